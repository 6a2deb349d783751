using Bunit;
using MudBlazor;
using OpsConsole.Web.Components.Shared;

namespace OpsConsole.Tests.Components;

public sealed class TimeWindowPickerTests : ConsoleComponentContext
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 14, 30, 0, TimeSpan.Zero);

    private IRenderedComponent<TimeWindowPicker> Picker(TimeWindowChoice choice, Action changed) =>
        Render<TimeWindowPicker>(p => p.Add(x => x.Choice, choice).Add(x => x.TestId, "probe").Add(x => x.OnChange, changed));

    [Fact]
    public void PickingAQuickRange_AsksThePageToReload_WithThatRange()
    {
        var choice = new TimeWindowChoice();
        var changes = 0;
        var picker = Picker(choice, () => changes++);

        picker.FindAll("[data-testid=probe-range] .mud-toggle-item").Single(b => b.TextContent.Trim() == "6 h").Click();

        Assert.Equal(1, changes);
        Assert.Equal(TimeRange.SixHours, choice.Range);
        Assert.Empty(picker.FindAll("[data-testid=probe-custom]"));
    }

    [Fact]
    public void PickingCustom_ShowsTheInputsFilledWithTheWindowShown_AndReloadsOnlyOnShow()
    {
        var choice = new TimeWindowChoice();
        choice.Resolve(Now);
        var changes = 0;
        var picker = Picker(choice, () => changes++);

        picker.FindAll("[data-testid=probe-range] .mud-toggle-item").Single(b => b.TextContent.Trim() == "Custom").Click();

        Assert.Equal(0, changes);
        var inputs = picker.FindAll("[data-testid=probe-custom] input");
        Assert.Equal(["2026-11-25T13:30", "2026-11-25T14:30"], inputs.Select(i => i.GetAttribute("value")));
        picker.FindComponents<MudButton>().Single(b => b.Markup.Contains("Show")).Find("button").Click();
        Assert.Equal(1, changes);
    }

    [Fact]
    public void ACustomWindowOverTheCap_IsExplainedUnderTheInputs()
    {
        var choice = new TimeWindowChoice();
        choice.Resolve(Now);
        choice.Pick(TimeRange.Custom);
        choice.CustomFrom = "2026-11-01T00:00";
        choice.CustomTo = "2026-11-20T00:00";
        var picker = Picker(choice, () => choice.Resolve(Now));

        picker.FindComponents<MudButton>().Single(b => b.Markup.Contains("Show")).Find("button").Click();

        Assert.Equal("A custom window spans at most 7 days.", picker.Find("[data-testid=probe-custom-error]").TextContent.Trim());
    }
}
