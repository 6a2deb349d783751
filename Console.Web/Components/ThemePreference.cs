namespace OpsConsole.Web.Components;

/// <summary>
/// Dark mode is remembered in a cookie (set by js/ops.js when toggled), so the server renders the right
/// theme on the first paint instead of flashing light and switching after the circuit connects.
/// </summary>
public static class ThemePreference
{
    public const string CookieName = "ops-theme";
    public const string CascadeName = "InitialDarkMode";

    public static bool IsDark(HttpContext? http) =>
        http?.Request.Cookies.TryGetValue(CookieName, out var value) == true && value == "dark";
}
