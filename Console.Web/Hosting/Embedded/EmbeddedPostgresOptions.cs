namespace OpsConsole.Web.Hosting.Embedded;

public sealed class EmbeddedPostgresOptions
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
}
