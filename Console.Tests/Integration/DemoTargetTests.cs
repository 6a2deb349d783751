using Microsoft.EntityFrameworkCore;
using Npgsql;
using OpsConsole.Domain.Targets;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

public sealed class DemoTargetTests(PostgresClusterFixture postgres)
{
    [Fact]
    public async Task WithADemoShopConnection_TheShopTargetIsRegisteredOnStart_OnlyOnce()
    {
        var store = await postgres.CreateStoreAsync("demo");
        var shop = await postgres.CreateTargetDatabaseAsync("shop");
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:Shop"] = shop };

        await using (var first = new ConsoleApp(store, settings))
            _ = first.BaseUrl;
        await using var second = new ConsoleApp(store, settings);
        _ = second.BaseUrl;

        var target = Assert.Single(await second.Service<TargetRegistry>().ListAsync());
        Assert.Equal(("shop", TargetEnvironment.Other), (target.Name, target.Environment));
        await Poll.UntilAsync(async () => (await second.Service<TargetRegistry>().ListAsync()).Single(), t => t.Reachable == true,
            TimeSpan.FromSeconds(45), "the demo target to be checked");
    }

    [Fact]
    public async Task WhenTheDemoClusterMoves_TheShopTargetFollowsIt_AuditedOnceWithoutTheSecret()
    {
        var store = await postgres.CreateStoreAsync("demo_moves");
        var shop = await postgres.CreateTargetDatabaseAsync("shop_moves");
        // Same database, another connection string: what a new port or password looks like to the registry.
        var moved = shop + ";Application Name=moved";

        await using (var first = new ConsoleApp(store, new Dictionary<string, string?> { ["ConnectionStrings:Shop"] = shop }))
            _ = first.BaseUrl;
        await using (var second = new ConsoleApp(store, new Dictionary<string, string?> { ["ConnectionStrings:Shop"] = moved }))
        {
            _ = second.BaseUrl;
            await using var secondDb = await second.Service<IDbContextFactory<OpsConsole.Domain.Data.OpsDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken);
            var target = await secondDb.Targets.AsNoTracking().SingleAsync(TestContext.Current.CancellationToken);
            Assert.Equal(moved, second.Service<TargetConnections>().Unprotect(target));
        }
        await using var third = new ConsoleApp(store, new Dictionary<string, string?> { ["ConnectionStrings:Shop"] = moved });
        _ = third.BaseUrl;

        await using var db = PostgresClusterFixture.ContextFor(store);
        var rotation = Assert.Single(await db.AuditEntries.Where(e => e.Action == "target.connection_rotated").ToListAsync(TestContext.Current.CancellationToken));
        Assert.Equal(("target:shop", "system"), (rotation.Subject, rotation.ActorId));
        Assert.DoesNotContain(new NpgsqlConnectionStringBuilder(shop).Password!, rotation.Details);
        await Poll.UntilAsync(async () => (await third.Service<TargetRegistry>().ListAsync()).Single(), t => t.Reachable == true,
            TimeSpan.FromSeconds(45), "the moved demo target to be checked");
    }
}
