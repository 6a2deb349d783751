using Serilog;

namespace OpsConsole.Web.Hosting;

public static class Logging
{
    /// <summary>Serilog from the "Serilog" settings section: console and rolling JSON files by default.</summary>
    public static WebApplicationBuilder AddOpsLogging(this WebApplicationBuilder builder)
    {
        // Until the host is built, start-up messages (the embedded cluster's) go through this logger.
        Log.Logger = new LoggerConfiguration().ReadFrom.Configuration(builder.Configuration).CreateBootstrapLogger();
        builder.Services.AddSerilog((services, logger) => logger
            .ReadFrom.Configuration(builder.Configuration)
            .ReadFrom.Services(services));
        return builder;
    }
}
