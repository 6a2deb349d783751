using OpsConsole.Domain;
using OpsConsole.Web;
using OpsConsole.Web.CommandLine;
using OpsConsole.Web.Hosting;
using OpsConsole.Web.Hosting.Embedded;
using Serilog;

// A client of a running console's API: it never starts the web host here.
if (RehearseCommand.IsCommand(args))
    return await RehearseCommand.RunAsProcessAsync(args);

var builder = WebApplication.CreateBuilder(args);
builder.AddOpsLogging();
try
{
    builder.AddEmbeddedStoreWhenUnconfigured();
    builder.AddOpsDomain();
    builder.AddOpsWeb();

    var app = builder.Build();
    app.UseOpsWeb();
    app.Run();
    return 0;
}
catch (PostgresNotInstalledException missing)
{
    Console.Error.WriteLine(missing.Message);
    return 1;
}
catch (Exception failure) when (failure is not HostAbortedException)
{
    // Caught so that the process exits normally and ProcessExit stops the embedded cluster.
    Log.Fatal(failure, "The console stopped on an error");
    return 1;
}
finally
{
    Log.CloseAndFlush();
}

public partial class Program;
