namespace OpsConsole.Domain.Access;

/// <summary>The four staff roles. Managers are Viewers: they read everything and change nothing.</summary>
public static class Roles
{
    public const string Viewer = "Viewer";
    public const string OnCall = "OnCall";
    public const string Dba = "DBA";
    public const string Admin = "Admin";

    public static readonly IReadOnlyList<string> All = [Viewer, OnCall, Dba, Admin];

    public static bool IsKnown(string role) => All.Contains(role, StringComparer.Ordinal);
}
