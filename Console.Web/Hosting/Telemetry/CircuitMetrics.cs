using Microsoft.AspNetCore.Components.Server.Circuits;
using OpsConsole.Domain.Telemetry;

namespace OpsConsole.Web.Hosting.Telemetry;

/// <summary>Counts the Blazor Server circuits open on this instance: each holds a session's components in server memory.</summary>
internal sealed class CircuitMetrics(ConsoleMetrics metrics) : CircuitHandler
{
    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        metrics.CircuitOpened();
        return Task.CompletedTask;
    }

    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        metrics.CircuitClosed();
        return Task.CompletedTask;
    }
}
