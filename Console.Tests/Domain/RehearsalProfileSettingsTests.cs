using OpsConsole.Domain;
using OpsConsole.Domain.Rehearsals;

namespace OpsConsole.Tests.Domain;

/// <summary>A profile's ranges: each bad value is refused naming its field; the built-in profile is valid.</summary>
public sealed class RehearsalProfileSettingsTests
{
    private static readonly RehearsalProfileSettings Peak = RehearsalProfileDefaults.Peak;

    public static TheoryData<string, RehearsalProfileSettings> BadValues() => new()
    {
        { "Name", Peak with { Name = "  " } },
        { "Name", Peak with { Name = new string('x', 81) } },
        { "Name", Peak with { Name = "peak\u0007" } },
        { "RatePerSecond", Peak with { RatePerSecond = 0 } },
        { "PeakMultiplier", Peak with { PeakMultiplier = 0.5 } },
        { "PeakMultiplier", Peak with { RatePerSecond = 500, PeakMultiplier = 3 } },
        { "ConcurrentShoppers", Peak with { ConcurrentShoppers = 0 } },
        { "Duration", Peak with { Duration = TimeSpan.FromSeconds(5) } },
        { "CartSizeMin", Peak with { CartSizeMin = 0 } },
        { "CartSizeMax", Peak with { CartSizeMin = 3, CartSizeMax = 2 } },
        { "HotProducts", Peak with { HotProducts = 251 } },
        { "HotShare", Peak with { HotShare = 1.5 } },
        { "HotShare", Peak with { HotShare = double.NaN } },
        { "Rounds", Peak with { Rounds = 0 } },
        { "Rounds", Peak with { Rounds = 10 } },
        { "FailureRatePoints", Peak with { Thresholds = Peak.Thresholds with { FailureRatePoints = -1 } } },
        { "DeadlockFactor", Peak with { Thresholds = Peak.Thresholds with { DeadlockFactor = -0.1 } } },
        { "DeadlockAllowance", Peak with { Thresholds = Peak.Thresholds with { DeadlockAllowance = -1 } } },
        { "P95Factor", Peak with { Thresholds = Peak.Thresholds with { P95Factor = 0.9 } } },
        { "Thresholds", Peak with { Thresholds = null! } },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public void Check_WithAValueOutOfRange_IsRefusedNamingTheField(string field, RehearsalProfileSettings settings)
    {
        var refused = Assert.Throws<DomainRuleException>(settings.Check);

        Assert.Equal(field, refused.Field);
    }

    [Fact]
    public void TheBuiltInProfile_IsValid_AndRunsThePeakOfTheOutage()
    {
        Peak.Check();

        var shop = Peak.ToShopOptions();
        Assert.Null(shop.Problem());
        Assert.Equal((18.0, true), shop.RateAt(DateTimeOffset.UtcNow)); // always at peak: 6/s × 3
        Assert.Equal((6, 1, 4, 6, 0.6, 0.0), (shop.Concurrency, shop.CartSizeMin, shop.CartSizeMax, shop.HotProducts, shop.HotShare, shop.DeclineRate));
    }

    [Fact]
    public void Edit_ReportsTheFieldsThatChanged_ThresholdsByTheirOwnName()
    {
        var profile = new RehearsalProfile(Peak, "dba", DateTimeOffset.UnixEpoch);

        var changed = profile.Edit(Peak with { Rounds = 5, Thresholds = Peak.Thresholds with { P95Factor = 1.5 } }, "dba2", DateTimeOffset.UnixEpoch);

        Assert.Equal(["P95Factor", "Rounds"], changed.Order());
        Assert.Equal((5, 1.5, "dba2"), (profile.Rounds, profile.P95Factor, profile.UpdatedBy));
    }
}
