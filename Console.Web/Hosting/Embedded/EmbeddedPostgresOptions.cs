using OpsConsole.Domain;
using static OpsConsole.Domain.ValidatedOptions;

namespace OpsConsole.Web.Hosting.Embedded;

public sealed class EmbeddedPostgresOptions : IValidatedOptions
{
    public const string Section = "Embedded";

    /// <summary>Where the private clusters live (store/ and shop/), relative to the content root. Reused on the next start.</summary>
    public string DataDirectory { get; set; } = ".data";

    /// <summary>Folder holding initdb and pg_ctl; empty means PATH, then /usr/lib/postgresql/*/bin.</summary>
    public string? BinDirectory { get; set; }

    /// <summary>The store cluster's loopback port; 0 keeps the previous start's port while it is free, else picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>The demo target cluster's loopback port, chosen the same way.</summary>
    public int ShopPort { get; set; }

    /// <summary>The demo target database, in a cluster of its own.</summary>
    public string ShopDatabase { get; set; } = "shop";

    public string? Problem() => First(
        Required("Embedded:DataDirectory", DataDirectory, "name the folder the embedded clusters live in."),
        Port is >= 0 and <= 65535 ? null : $"Embedded:Port is 0 (choose one) to 65535; it is {Port}.",
        ShopPort is >= 0 and <= 65535 ? null : $"Embedded:ShopPort is 0 (choose one) to 65535; it is {ShopPort}.",
        Required("Embedded:ShopDatabase", ShopDatabase, "name the demo target database."));
}
