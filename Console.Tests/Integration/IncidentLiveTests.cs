using OpsConsole.Domain.Access;
using OpsConsole.Domain.ApiKeys;
using OpsConsole.Domain.Incidents;
using OpsConsole.Domain.Live;
using OpsConsole.Tests.Support;
using OpsConsole.Web.Hubs;

namespace OpsConsole.Tests.Integration;

/// <summary>An incident opened on one console instance is heard on the other's bus and by its hub clients, on the topic incidents.</summary>
public sealed class IncidentLiveTests(TwoConsolesFixture consoles) : IClassFixture<TwoConsolesFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task AnIncidentOpenedOnA_IsHeardOnBsBus_AndByBsHubClientsOnTheTopicIncidents()
    {
        var heardOnB = new List<IncidentUpdated>();
        using var _ = consoles.B.Service<LiveEvents>().Subscribe(e =>
        {
            if (e is IncidentUpdated u) lock (heardOnB) heardOnB.Add(u);
            return Task.CompletedTask;
        });
        await using var hubOnB = await HubClient.ConnectAsync(consoles.B.BaseUrl,
            (await consoles.B.Service<ApiKeyService>().CreateAsync(Actor.System, $"bot-{Guid.NewGuid():N}", [ApiScopes.Read])).Key);

        var incident = await consoles.A.Service<IncidentService>().OpenAsync(Actor.System,
            new NewIncident("Checkout down", IncidentSeverity.Sev1, $"live-{Guid.NewGuid():N}"[..20]));

        var remote = await Poll.UntilAsync(() => Task.FromResult(Snapshot(heardOnB).Where(e => e.IncidentId == incident.Id).ToList()),
            found => found.Count > 0, Wait, "IncidentUpdated on B");
        Assert.Equal((incident.Number, "Investigating", "SEV1", "opened", true),
            (remote[0].Number, remote[0].Status, remote[0].Severity, remote[0].What, remote[0].Remote));
        var payload = await Poll.UntilAsync(() => Task.FromResult(hubOnB.Payloads(OpsHubForwarder.IncidentUpdated)
                .Where(p => p.GetProperty("number").GetInt32() == incident.Number).ToList()),
            found => found.Count > 0, Wait, "incidentUpdated on a hub client of B");
        Assert.Equal("opened", payload[0].GetProperty("what").GetString());
    }

    private static List<IncidentUpdated> Snapshot(List<IncidentUpdated> events)
    {
        lock (events) return [.. events];
    }
}
