using Microsoft.EntityFrameworkCore;
using Npgsql;
using OpsConsole.Domain;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Rehearsals.Staging;
using OpsConsole.Domain.Targets;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>A rehearsal changes a whole cluster: only a staging target in a cluster without production may have one.</summary>
[Collection(StagingCollection.Name)]
public sealed class StagingSafetyTests(StagingFixture fixture)
{
    private StagingGuard Guard => fixture.App.Service<StagingGuard>();

    [Fact]
    public async Task DemandRehearsable_ProductionTarget_IsRefused()
    {
        var refusal = await Assert.ThrowsAsync<DomainRuleException>(() => Guard.DemandRehearsableAsync(fixture.ProductionId));

        Assert.Equal("target", refusal.Field);
        Assert.Contains("prod is a production target", refusal.Message);
    }

    [Fact]
    public async Task DemandRehearsable_OtherTarget_IsRefused()
    {
        var refusal = await Assert.ThrowsAsync<DomainRuleException>(() => Guard.DemandRehearsableAsync(fixture.OtherId));

        Assert.Equal("target", refusal.Field);
        Assert.Contains("other is not marked Staging (it is Other)", refusal.Message);
    }

    [Fact]
    public async Task DemandRehearsable_StagingDatabaseInTheClusterOfAProductionTarget_IsRefusedAndAudited()
    {
        var refusal = await Assert.ThrowsAsync<DomainRuleException>(() => Guard.DemandRehearsableAsync(fixture.StagingOnProductionClusterId, fixture.Dba));

        Assert.Equal("target", refusal.Field);
        Assert.Contains("prod-staging is in the same PostgreSQL cluster as the production target prod", refusal.Message);
        await using var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString);
        var entry = await db.AuditEntries.AsNoTracking().OrderBy(e => e.Sequence)
            .LastAsync(e => e.Action == "rehearsal.refused" && e.Subject == "target:prod-staging");
        Assert.Equal(AuditOutcome.Refused, entry.Outcome);
        Assert.Equal("dba", entry.ActorName);
    }

    [Fact]
    public async Task DemandRehearsable_StagingInAClusterOfItsOwn_IsAccepted()
    {
        var target = await Guard.DemandRehearsableAsync(fixture.TargetId);

        Assert.Equal("staging", target.Name);
        Assert.Equal(TargetEnvironment.Staging, target.Environment);
    }

    [Fact]
    public async Task DemandRehearsable_WhileAProductionTargetDoesNotAnswer_IsRefused()
    {
        var registry = fixture.App.Service<TargetRegistry>();
        var silentId = await registry.RegisterAsync(Actor.System, $"prod-gone-{Guid.NewGuid():N}"[..20], TargetEnvironment.Production,
            await fixture.CreateProductionDatabaseAsync("prod_gone"));
        try
        {
            // Its server went away after registration: nothing listens on port 1.
            var nowhere = fixture.App.Service<TargetConnections>().Protect("Host=127.0.0.1;Port=1;Database=shop;Username=x;Password=y");
            await Sql.ExecuteAsync(fixture.StoreSuperuserConnectionString,
                $"UPDATE targets SET \"ProtectedConnectionString\" = '{nowhere}' WHERE \"Id\" = '{silentId}'");

            var refusal = await Assert.ThrowsAsync<DomainRuleException>(() => Guard.DemandRehearsableAsync(fixture.TargetId));

            Assert.Equal("target", refusal.Field);
            Assert.Contains("does not answer", refusal.Message);
            Assert.Contains("cannot prove that staging is in another cluster", refusal.Message);
        }
        finally
        {
            await registry.RetireAsync(Actor.System, silentId, "gone");
        }
        // A retired production target is history, not a cluster to keep away from.
        Assert.Equal("staging", (await Guard.DemandRehearsableAsync(fixture.TargetId)).Name);
    }

    [Fact]
    public async Task DemandRehearsable_WhereTheSystemIdentifierIsRevoked_TellsClustersApartByAProbe()
    {
        var registry = fixture.App.Service<TargetRegistry>();
        await fixture.TargetCluster.EnsureLoginRoleAsync("no_control");
        await fixture.ExecuteOnTargetAsync("REVOKE EXECUTE ON FUNCTION pg_control_system() FROM PUBLIC");
        var retire = new List<Guid>();
        try
        {
            var stagingId = await registry.RegisterAsync(Actor.System, "staging-probe", TargetEnvironment.Staging,
                fixture.TargetCluster.ConnectionString("shop", "no_control"));
            retire.Add(stagingId);
            await using (var connection = new NpgsqlConnection(fixture.TargetCluster.ConnectionString("shop", "no_control") + ";Pooling=false"))
            {
                await connection.OpenAsync(TestContext.Current.CancellationToken);
                Assert.Null(await ClusterIdentity.SystemIdentifierAsync(connection, TestContext.Current.CancellationToken));
            }

            Assert.Equal("staging-probe", (await Guard.DemandRehearsableAsync(stagingId)).Name);

            retire.Add(await registry.RegisterAsync(Actor.System, "prod-probe", TargetEnvironment.Production,
                fixture.TargetCluster.ConnectionString("postgres")));
            var refusal = await Assert.ThrowsAsync<DomainRuleException>(() => Guard.DemandRehearsableAsync(stagingId));
            Assert.Contains("staging-probe is in the same PostgreSQL cluster as the production target prod-probe", refusal.Message);
        }
        finally
        {
            foreach (var id in retire)
                await registry.RetireAsync(Actor.System, id, "test over");
            await fixture.ExecuteOnTargetAsync("GRANT EXECUTE ON FUNCTION pg_control_system() TO PUBLIC");
        }
    }

    [Fact]
    public async Task SystemIdentifier_IsReadableByARoleWithPgMonitorOnly()
    {
        await fixture.TargetCluster.EnsureLoginRoleAsync("monitor_only");
        await fixture.ExecuteOnTargetAsync("GRANT pg_monitor TO monitor_only");
        await using var connection = new NpgsqlConnection(fixture.TargetCluster.ConnectionString("shop", "monitor_only") + ";Pooling=false");
        await connection.OpenAsync(TestContext.Current.CancellationToken);

        var identifier = await ClusterIdentity.SystemIdentifierAsync(connection, TestContext.Current.CancellationToken);

        Assert.NotNull(identifier);
        Assert.Equal((long)(await fixture.ScalarOnTargetAsync("SELECT system_identifier FROM pg_control_system()"))!, identifier);
    }
}
