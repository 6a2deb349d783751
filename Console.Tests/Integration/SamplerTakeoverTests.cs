using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>kill -9 of the console that samples a target: another console on the store samples it within 3 s (the promise is about 1 s).</summary>
[Collection(QuietCollection.Name)]
public sealed class SamplerTakeoverTests(PostgresClusterFixture postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task KillingTheSamplingConsole_LetsTheOtherSampleTheTargetWithinThreeSeconds()
    {
        await using var rig = await SamplerTakeoverRig.StartAsync(postgres, consoles: 2);

        var takeover = await rig.KillSamplerAndTimeTakeoverAsync(TimeSpan.FromSeconds(3));

        output.WriteLine($"takeover: {takeover.TotalMilliseconds:0} ms from kill -9 to the survivor's first tick");
        Assert.True(takeover <= TimeSpan.FromSeconds(3), $"took {takeover}");
        Assert.NotNull(await rig.SamplerAsync()); // the survivor holds the target's sampler lock
    }
}
