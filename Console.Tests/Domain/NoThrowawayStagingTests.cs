using OpsConsole.Domain;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Rehearsals.Staging;

namespace OpsConsole.Tests.Domain;

public sealed class NoThrowawayStagingTests
{
    [Fact]
    public async Task Create_WithoutAHostThatRunsClusters_IsRefusedWithTheReason()
    {
        var none = new NoThrowawayStaging();

        var refusal = await Assert.ThrowsAsync<DomainRuleException>(() => none.CreateAsync(Actor.System));

        Assert.False(none.Available);
        Assert.Equal(none.UnavailableReason, refusal.Message);
    }

    [Theory]
    [InlineData("throwaway-staging-0a1b2c3d", "0a1b2c3d")]
    [InlineData("throwaway-staging-0A1B2C3D", null)]
    [InlineData("throwaway-staging-0a1b2c3d-x", null)]
    [InlineData("shop", null)]
    public void ShortIdOf_ReadsOnlyTheNamesTheConsoleGives(string name, string? shortId) =>
        Assert.Equal(shortId, ThrowawayStagingTargets.ShortIdOf(name));

    [Fact]
    public void NameFor_ANewShortId_IsReadBack()
    {
        var id = ThrowawayStagingTargets.NewShortId();

        Assert.Equal(id, ThrowawayStagingTargets.ShortIdOf(ThrowawayStagingTargets.NameFor(id)));
    }
}
