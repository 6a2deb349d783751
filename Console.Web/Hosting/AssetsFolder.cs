using Microsoft.Extensions.FileProviders;

namespace OpsConsole.Web.Hosting;

/// <summary>
/// Serves the top-level wwwroot-assets folder, which the build copies beside the app (bin and publish
/// output alike). Linked Content items would serve empty bodies under dotnet run: docs/decisions/0001-static-assets.md.
/// </summary>
public static class AssetsFolder
{
    public const string FolderName = "wwwroot-assets";

    public static string Path => System.IO.Path.Combine(AppContext.BaseDirectory, FolderName);

    public static IApplicationBuilder UseOpsAssets(this IApplicationBuilder app)
    {
        if (!Directory.Exists(Path))
            throw new DirectoryNotFoundException($"The site's assets were not copied to {Path}: build the Console.Web project again.");
        return app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new PhysicalFileProvider(Path),
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "public, max-age=3600",
        });
    }
}
