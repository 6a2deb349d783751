using OpsConsole.Tests.Support;
using OpsConsole.Web.Components.Pages.Health;

namespace OpsConsole.Tests.Integration;

/// <summary>
/// The Health page's timed rereads are shared by the dashboards of one second (decisions/0037), on a real store: one
/// read per question and second, a fresh one for the next second or another question, and direct reads never shared.
/// </summary>
public sealed class HealthWindowReadsTests(ConsoleAppFixture fixture) : IClassFixture<ConsoleAppFixture>
{
    private static readonly DateTimeOffset Second = WholeSecond(DateTimeOffset.UtcNow);
    private HealthWindowReads Reads => fixture.App.Service<HealthWindowReads>();

    [Fact]
    public async Task SharedReads_OfOneQuestionInOneSecond_AreOneRead()
    {
        var reads = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Reads.SharedAsync(Second, Second.AddHours(-1), Second, null)));
        Assert.All(reads, read => Assert.Same(reads[0], read));
        Assert.InRange(reads[0].Series.Count, 60, 61); // a point per minute, the window's first and last partial minutes included
    }

    [Fact]
    public async Task SharedReads_OfTheNextSecondOrAnotherService_ReadAgain()
    {
        var first = await Reads.SharedAsync(Second, Second.AddHours(-1), Second, null);
        var next = await Reads.SharedAsync(Second.AddSeconds(1), Second.AddHours(-1).AddSeconds(1), Second.AddSeconds(1), null);
        var other = await Reads.SharedAsync(Second, Second.AddHours(-1), Second, "another-service");
        Assert.NotSame(first, next);
        Assert.NotSame(first, other);
        Assert.Equal("another-service", other.Headline.Service);
    }

    private static DateTimeOffset WholeSecond(DateTimeOffset at) => new(at.UtcTicks - at.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);

    [Fact]
    public async Task DirectReads_AreNeverShared()
    {
        var shared = await Reads.SharedAsync(Second, Second.AddHours(-1), Second, null);
        var direct = await Reads.ReadAsync(Second, Second.AddHours(-1), Second, null);
        Assert.NotSame(shared, direct);
    }
}
