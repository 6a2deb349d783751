using OpsConsole.Web.Components;
using OpsConsole.Web.Components.Shared;

namespace OpsConsole.Tests.Domain;

public sealed class TimeWindowTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 14, 30, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(TimeRange.Quarter, 15)]
    [InlineData(TimeRange.Hour, 60)]
    [InlineData(TimeRange.SixHours, 360)]
    [InlineData(TimeRange.Day, 1440)]
    public void AQuickRange_EndsNow_AndSpansItsMinutes(TimeRange range, int minutes)
    {
        var (window, error) = TimeWindow.Resolve(range, "garbage", null, Now);

        Assert.Null(error);
        Assert.Equal((Now.AddMinutes(-minutes), Now), window);
    }

    [Fact]
    public void ACustomWindow_WithoutAZone_IsReadAsUtc()
    {
        var (window, error) = TimeWindow.Resolve(TimeRange.Custom, "2026-11-20T08:15", "2026-11-21T09:00", Now);

        Assert.Null(error);
        Assert.Equal((new DateTimeOffset(2026, 11, 20, 8, 15, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 21, 9, 0, 0, TimeSpan.Zero)), window);
    }

    [Theory]
    [InlineData(null, "2026-11-21T09:00")]
    [InlineData("2026-11-20T08:15", "")]
    [InlineData("yesterday-ish", "2026-11-21T09:00")]
    [InlineData("2026-11-21T09:00", "2026-11-21T09:00")]
    [InlineData("2026-11-21T09:00", "2026-11-20T08:15")]
    public void ACustomWindow_WithoutAStartBeforeItsEnd_IsRefusedWithAMessage(string? from, string? to)
    {
        var (window, error) = TimeWindow.Resolve(TimeRange.Custom, from, to, Now);

        Assert.Null(window);
        Assert.Equal("Give a start and an end, the start before the end.", error);
    }

    [Fact]
    public void ACustomWindow_IsReadInTheViewersZone()
    {
        var newYork = ViewerTimeZone.Find("America/New_York");

        var (window, error) = TimeWindow.Resolve(TimeRange.Custom, "2026-11-20T08:15", "2026-11-20T09:00", Now, newYork);

        Assert.Null(error);
        Assert.Equal((new DateTimeOffset(2026, 11, 20, 13, 15, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 20, 14, 0, 0, TimeSpan.Zero)), window);
    }

    [Fact]
    public void ACustomWindow_StartingAtATimeTheClocksSkip_SaysSo()
    {
        var (window, error) = TimeWindow.Resolve(TimeRange.Custom, "2026-03-29T02:30", "2026-03-29T05:00", Now, ViewerTimeZone.Find("Europe/Berlin"));

        Assert.Null(window);
        Assert.Equal("2026-03-29 02:30 does not exist in Europe/Berlin: the clocks skip it.", error);
    }

    [Fact]
    public void ACustomWindow_OfExactlyTheCap_IsShown_AndOneMinuteMore_IsRefused()
    {
        var from = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

        var (atCap, _) = TimeWindow.Resolve(TimeRange.Custom, TimeWindow.InputText(from), TimeWindow.InputText(from + TimeWindow.MaxCustom), Now);
        var (overCap, error) = TimeWindow.Resolve(TimeRange.Custom, TimeWindow.InputText(from),
            TimeWindow.InputText(from + TimeWindow.MaxCustom + TimeSpan.FromMinutes(1)), Now);

        Assert.Equal((from, from + TimeWindow.MaxCustom), atCap);
        Assert.Null(overCap);
        Assert.Equal("A custom window spans at most 7 days.", error);
    }

    [Fact]
    public void InputText_IsTheMinuteInTheZone_AndReadsBackToIt()
    {
        var at = new DateTimeOffset(2026, 11, 25, 16, 45, 38, TimeSpan.FromHours(2));
        var berlin = ViewerTimeZone.Find("Europe/Berlin");

        Assert.Equal("2026-11-25T14:45", TimeWindow.InputText(at));
        Assert.Equal("2026-11-25T15:45", TimeWindow.InputText(at, berlin));
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 14, 45, 0, TimeSpan.Zero), ViewerTimeZone.ReadInput(TimeWindow.InputText(at, berlin), berlin).At);
    }

    [Fact]
    public void AChoice_SwitchedToCustom_StartsFromTheWindowShownSoFar_AndStaysPut()
    {
        var choice = new TimeWindowChoice();
        choice.Pick(TimeRange.SixHours);
        choice.Resolve(Now);

        choice.Pick(TimeRange.Custom);

        Assert.True(choice.IsCustom);
        Assert.Equal(("2026-11-25T08:30", "2026-11-25T14:30"), (choice.CustomFrom, choice.CustomTo));
        // Later reads do not move a custom window.
        Assert.Equal((Now.AddHours(-6), Now), choice.Resolve(Now.AddHours(3)));
    }

    [Fact]
    public void AChoice_KeepsTheTypedCustomInputs_WhenSwitchedAwayAndBack()
    {
        var choice = new TimeWindowChoice();
        choice.Resolve(Now);
        choice.Pick(TimeRange.Custom);
        choice.CustomFrom = "2026-11-24T00:00";

        choice.Pick(TimeRange.Quarter);
        choice.Resolve(Now);
        choice.Pick(TimeRange.Custom);

        Assert.Equal("2026-11-24T00:00", choice.CustomFrom);
    }

    [Fact]
    public void AChoice_ThatCannotResolve_SaysWhy_AndForgetsTheReasonOnceItCan()
    {
        var choice = new TimeWindowChoice();
        choice.Pick(TimeRange.Custom);
        choice.CustomFrom = "2026-11-25T10:00";
        choice.CustomTo = "2026-11-25T09:00";

        Assert.Null(choice.Resolve(Now));
        Assert.NotNull(choice.Error);

        choice.Pick(TimeRange.Hour);
        Assert.Equal((Now.AddHours(-1), Now), choice.Resolve(Now));
        Assert.Null(choice.Error);
    }
}
