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
}
