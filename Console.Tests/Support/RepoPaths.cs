namespace OpsConsole.Tests.Support;

public static class RepoPaths
{
    /// <summary>The repository root: the folder above the test binaries that holds OpsConsole.sln.</summary>
    public static string Root { get; } = FindRoot();

    public static string WebProject => Path.Combine(Root, "Console.Web");

    /// <summary>Debug or Release: whatever the tests themselves were built as.</summary>
    public static string Configuration => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    /// <summary>The console's own dll, built beside the tests, as a console process runs it (<c>dotnet OpsConsole.Web.dll</c>).</summary>
    public static string BuiltConsole => Path.Combine(WebProject, "bin", Configuration, "net10.0", "OpsConsole.Web.dll");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "OpsConsole.sln")))
                return dir.FullName;
        throw new InvalidOperationException("OpsConsole.sln not found above " + AppContext.BaseDirectory);
    }
}
