namespace OpsConsole.Web.Hosting.Embedded;

public sealed class EmbeddedPostgresOptions
{
    public const string Section = "Embedded";

    /// <summary>Where the private cluster lives, relative to the content root. Reused on the next start.</summary>
    public string DataDirectory { get; set; } = ".data";

    /// <summary>Folder holding initdb and pg_ctl; empty means PATH, then /usr/lib/postgresql/*/bin.</summary>
    public string? BinDirectory { get; set; }

    /// <summary>Loopback port; 0 picks a free one at every start.</summary>
    public int Port { get; set; }

    /// <summary>The demo target database created beside the console store.</summary>
    public string ShopDatabase { get; set; } = "shop";
}
