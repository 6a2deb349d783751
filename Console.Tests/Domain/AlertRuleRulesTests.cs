using OpsConsole.Domain;
using OpsConsole.Domain.Alerts;
using OpsConsole.Domain.Alerts.Rules;

namespace OpsConsole.Tests.Domain;

/// <summary>A rule's settings are refused with the field named when out of range.</summary>
public sealed class AlertRuleRulesTests
{
    private static readonly AlertRuleSettings FailureRate = new("Checkout failure rate", AlertLevel.Page, 0.05, 0.02, TimeSpan.FromMinutes(2),
        TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), 30, Service: "checkout", Target: "shop");

    private static readonly AlertRuleSettings FastBurn = new("Fast burn", AlertLevel.Page, 14.4, 7.2, TimeSpan.FromHours(1), TimeSpan.Zero,
        TimeSpan.FromMinutes(5), 100, TimeSpan.FromMinutes(5), 0.995);

    [Fact]
    public void SensibleSettings_AreAccepted()
    {
        AlertRuleRules.Check(AlertRuleKind.CheckoutFailureRate, FailureRate);
        AlertRuleRules.Check(AlertRuleKind.SloBurnRate, FastBurn);
    }

    public static TheoryData<AlertRuleKind, string, string> Refusals() => new()
    {
        { AlertRuleKind.CheckoutFailureRate, "Name", "" },
        { AlertRuleKind.CheckoutFailureRate, "Threshold", "1.5" },
        { AlertRuleKind.CheckoutFailureRate, "Threshold", "0" },
        { AlertRuleKind.CheckoutFailureRate, "ClearThreshold", "0.5" },
        { AlertRuleKind.CheckoutFailureRate, "Window", "00:00:30" },
        { AlertRuleKind.CheckoutFailureRate, "Window", "00:01:30" },
        { AlertRuleKind.CheckoutFailureRate, "HoldFor", "-00:00:01" },
        { AlertRuleKind.CheckoutFailureRate, "MinimumVolume", "-1" },
        { AlertRuleKind.SloBurnRate, "ShortWindow", "01:00:00" },
        { AlertRuleKind.SloBurnRate, "Objective", "1" },
        { AlertRuleKind.DeadlocksPerMinute, "Window", "02:00:00" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void AnOutOfRangeSetting_IsRefused_NamingTheField(AlertRuleKind kind, string field, string value)
    {
        var settings = (kind == AlertRuleKind.SloBurnRate ? FastBurn : FailureRate) switch
        {
            var s when field == "Name" => s with { Name = value },
            var s when field == "Threshold" => s with { Threshold = double.Parse(value) },
            var s when field == "ClearThreshold" => s with { ClearThreshold = double.Parse(value) },
            var s when field == "Window" => s with { Window = TimeSpan.Parse(value) },
            var s when field == "HoldFor" => s with { HoldFor = TimeSpan.Parse(value) },
            var s when field == "MinimumVolume" => s with { MinimumVolume = long.Parse(value) },
            var s when field == "ShortWindow" => s with { ShortWindow = TimeSpan.Parse(value) },
            var s when field == "Objective" => s with { Objective = double.Parse(value) },
            _ => throw new ArgumentOutOfRangeException(nameof(field)),
        };

        var refusal = Assert.Throws<DomainRuleException>(() => AlertRuleRules.Check(kind, settings));

        Assert.Equal(field, refusal.Field);
    }

    [Fact]
    public void ALockWaitRule_NeedsNoWindow()
    {
        AlertRuleRules.Check(AlertRuleKind.LockWait, new AlertRuleSettings("Long lock wait", AlertLevel.Ticket, 30, 5, TimeSpan.Zero, TimeSpan.Zero,
            TimeSpan.FromMinutes(1)));
    }
}
