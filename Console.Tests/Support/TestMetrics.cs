using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Domain.Telemetry;

namespace OpsConsole.Tests.Support;

/// <summary>The console's instruments for services a test builds by hand: recorded into, read by no exporter of that test.</summary>
public static class TestMetrics
{
    private static readonly IMeterFactory Meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();

    public static ConsoleMetrics Create() => new(Meters, TimeProvider.System);
}
