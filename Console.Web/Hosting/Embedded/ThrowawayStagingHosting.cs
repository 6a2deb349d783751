using Microsoft.Extensions.DependencyInjection.Extensions;
using OpsConsole.Domain;
using OpsConsole.Domain.Rehearsals.Staging;

namespace OpsConsole.Web.Hosting.Embedded;

public static class ThrowawayStagingHosting
{
    /// <summary>
    /// Throwaway staging clusters under the embedded data folder (Embedded:DataDirectory), whether or not the store is
    /// embedded: they need only the server programs on this machine. Replaces the domain's "none here".
    /// </summary>
    public static WebApplicationBuilder AddThrowawayStaging(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetValidated<EmbeddedPostgresOptions>(EmbeddedPostgresOptions.Section);
        var root = Path.GetFullPath(options.DataDirectory, builder.Environment.ContentRootPath);
        builder.Services.AddSingleton(sp => ActivatorUtilities.CreateInstance<ThrowawayStagingClusters>(sp, options, root));
        builder.Services.Replace(ServiceDescriptor.Singleton<IThrowawayStaging>(sp => sp.GetRequiredService<ThrowawayStagingClusters>()));
        builder.Services.AddHostedService<ThrowawayStagingCleanup>();
        return builder;
    }
}

/// <summary>At start, removes throwaway clusters left by a console that stopped; at stop, stops this one's (the next start removes them).</summary>
internal sealed class ThrowawayStagingCleanup(ThrowawayStagingClusters clusters, ILogger<ThrowawayStagingCleanup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await clusters.RemoveLeftoversAsync(stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Removing throwaway staging clusters left behind failed; the next start tries again");
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await clusters.StopAllAsync();
    }
}
