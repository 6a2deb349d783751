using Serilog;

namespace OpsConsole.Web.Hosting;

public static class Logging
{
    /// <summary>Serilog from the "Serilog" settings section: console and rolling JSON files by default.</summary>
    public static WebApplicationBuilder AddOpsLogging(this WebApplicationBuilder builder)
    {
        // preserveStaticLogger: each host writes through its own logger, never the static one, so that several
        // consoles in one process (the tests) do not write into each other's files or close each other's logger.
        // The static logger carries what happens before the host exists (the embedded cluster, a fatal start-up
        // error) to the console only: settings that tests or deployments add later could not redirect a file
        // opened this early. It is a plain logger, not Serilog's reloadable bootstrap one, which can be frozen
        // only once per process (tests run several consoles in one process).
        Log.Logger = new LoggerConfiguration()
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", Serilog.Events.LogEventLevel.Warning)
            .WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}")
            .CreateLogger();
        builder.Services.AddSerilog((services, logger) => logger
            .ReadFrom.Configuration(builder.Configuration)
            .ReadFrom.Services(services), preserveStaticLogger: true);
        return builder;
    }

    /// <summary>Request logging through the host's own logger (Serilog's middleware would use the static one).</summary>
    public static IApplicationBuilder UseOpsRequestLogging(this WebApplication app) =>
        app.UseSerilogRequestLogging(options => options.Logger = app.Services.GetRequiredService<Serilog.ILogger>());
}
