using MudBlazor;
using OpsConsole.Domain.Access;

namespace OpsConsole.Web.Components.Layout;

/// <summary>The main navigation's links, in order, with the permission a link needs to be shown (none: everyone's).</summary>
public static class NavLinks
{
    /// <param name="Exact">Active only on this very path (NavLinkMatch.All); otherwise also below it.</param>
    public sealed record Entry(string Href, string Text, string Icon, bool Exact = false, string? Policy = null);

    public static readonly IReadOnlyList<Entry> Before =
    [
        new("/", "Health", Icons.Material.Filled.MonitorHeart, Exact: true),
        new("/locks", "Locks", Icons.Material.Filled.Lock),
        new("/changes", "Changes", Icons.Material.Filled.Tune),
        new("/rehearsals/profiles", "Rehearsal profiles", Icons.Material.Filled.Speed),
    ];

    public static readonly Entry Incidents = new("/incidents", "Incidents", Icons.Material.Filled.Warning);

    public static readonly IReadOnlyList<Entry> After =
    [
        new("/incidents/summary", "Monthly summary", Icons.Material.Filled.BarChart, Exact: true),
        new("/audit", "Audit", Icons.Material.Filled.FactCheck),
        new("/admin", "Admin", Icons.Material.Filled.AdminPanelSettings, Policy: PermissionTable.PolicyName(Permission.ManageUsers)),
        new("/admin/alert-rules", "Alert rules", Icons.Material.Filled.NotificationsActive, Policy: PermissionTable.PolicyName(Permission.ManageAlertRules)),
        new("/admin/demo-shop", "Demo shop", Icons.Material.Filled.ShoppingCart, Policy: PermissionTable.PolicyName(Permission.ManageDemoShop)),
    ];

    /// <summary>NavLink's rule: the path itself, or (unless exact) anything below it.</summary>
    /// <param name="relativePath">The current location relative to the base, without a leading slash (NavigationManager.ToBaseRelativePath).</param>
    public static bool Matches(string relativePath, Entry link)
    {
        var path = "/" + relativePath.Split('?', '#')[0];
        if (path == link.Href)
            return true;
        return !link.Exact && link.Href != "/" && path.StartsWith(link.Href + "/", StringComparison.OrdinalIgnoreCase);
    }
}
