using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

public sealed class StaticAssetTests(ConsoleAppFixture fixture) : IClassFixture<ConsoleAppFixture>
{
    private readonly ConsoleApp app = fixture.App;

    [Fact]
    public async Task SiteStylesheet_IsServedWithTheRealBytesOfWwwrootAssets()
    {
        using var http = new HttpClient { BaseAddress = app.BaseUrl };
        var served = await http.GetByteArrayAsync("/css/ops.css", TestContext.Current.CancellationToken);
        var source = await File.ReadAllBytesAsync(Path.Combine(RepoPaths.Root, "wwwroot-assets", "css", "ops.css"), TestContext.Current.CancellationToken);
        Assert.NotEmpty(source);
        Assert.Equal(source, served);
    }
}
