using Serilog;

namespace OpsConsole.Web.Hosting;

public static class Logging
{
    /// <summary>Serilog from the "Serilog" settings section: console and rolling JSON files by default.</summary>
    public static WebApplicationBuilder AddOpsLogging(this WebApplicationBuilder builder)
    {
        // The static logger carries what happens before the host exists (the embedded cluster, a fatal start-up
        // error). It is a plain logger, not Serilog's reloadable bootstrap one: that one can be frozen only once
        // per process, and tests run several consoles in one process.
        Log.Logger = new LoggerConfiguration().ReadFrom.Configuration(builder.Configuration).CreateLogger();
        builder.Services.AddSerilog((services, logger) => logger
            .ReadFrom.Configuration(builder.Configuration)
            .ReadFrom.Services(services), preserveStaticLogger: true);
        return builder;
    }
}
