using Bunit;
using OpsConsole.Web.Components;
using OpsConsole.Web.Components.Shared;

namespace OpsConsole.Tests.Components;

public sealed class LocalTimeTests : ConsoleComponentContext
{
    private static readonly DateTimeOffset Onset = new(2026, 7, 14, 12, 12, 5, TimeSpan.Zero);

    [Fact]
    public void InTheViewersZone_ShowsLocalTimeWithItsOffset_AndKeepsUtcInTheTooltip()
    {
        var berlin = ViewerTimeZone.Find("Europe/Berlin");

        var cut = Render<LocalTime>(p => p.Add(t => t.At, Onset).AddCascadingValue(ViewerTimeZone.CascadeName, berlin));

        var time = cut.Find("time");
        Assert.Equal("2026-07-14 14:12:05 UTC+02:00", time.TextContent);
        Assert.Equal("2026-07-14 12:12:05 UTC+00:00", time.GetAttribute("title"));
        Assert.Equal("2026-07-14T12:12:05.0000000Z", time.GetAttribute("datetime"));
    }

    [Fact]
    public void WithoutAZone_ShowsUtc()
    {
        var cut = Render<LocalTime>(p => p.Add(t => t.At, Onset).Add(t => t.Format, "HH:mm"));

        Assert.Equal("12:12 UTC+00:00", cut.Find("time").TextContent);
    }
}

public sealed class ViewerTimeZoneTests
{
    [Theory]
    [InlineData("America/New_York", "2026-01-15 07:00:00 UTC-05:00")]
    [InlineData("Asia/Kolkata", "2026-01-15 17:30:00 UTC+05:30")]
    [InlineData("Europe/Berlin", "2026-01-15 13:00:00 UTC+01:00")]
    public void Format_UsesTheOffsetOfThatMoment(string zone, string expected) =>
        Assert.Equal(expected, ViewerTimeZone.Format(new DateTimeOffset(2026, 1, 15, 12, 0, 0, TimeSpan.Zero), ViewerTimeZone.Find(zone)));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("Europe/Berlin\"; drop")]
    [InlineData("../../etc/passwd")]
    public void Find_AnythingButAKnownZone_IsUtc(string? id) => Assert.Equal(TimeZoneInfo.Utc, ViewerTimeZone.Find(id));
}

public sealed class ViewerTimeZoneInputTests
{
    private static readonly TimeZoneInfo Berlin = ViewerTimeZone.Find("Europe/Berlin");
    private static readonly TimeZoneInfo NewYork = ViewerTimeZone.Find("America/New_York");

    [Theory]
    [InlineData("2026-01-15T08:00", "2026-01-15T13:00:00Z")] // winter: UTC-05:00
    [InlineData("2026-07-15T08:00", "2026-07-15T12:00:00Z")] // summer: UTC-04:00
    public void ATypedTime_IsReadInTheZone_WithTheOffsetOfThatDay(string typed, string utc) =>
        Assert.Equal(DateTimeOffset.Parse(utc), ViewerTimeZone.ReadInput(typed, NewYork).At);

    [Fact]
    public void ATimeTheClocksSkip_IsRefusedWithAMessage()
    {
        var (at, error) = ViewerTimeZone.ReadInput("2026-03-29T02:30", Berlin);

        Assert.Null(at);
        Assert.Equal("2026-03-29 02:30 does not exist in Europe/Berlin: the clocks skip it.", error);
    }

    [Fact]
    public void ATimeTheClocksPassTwice_IsTheFirstOfTheTwo_StillOnSummerTime()
    {
        var (at, error) = ViewerTimeZone.ReadInput("2026-10-25T02:30", Berlin);

        Assert.Null(error);
        Assert.Equal(new DateTimeOffset(2026, 10, 25, 0, 30, 0, TimeSpan.Zero), at);
        Assert.Equal("2026-10-25 02:30:00 UTC+02:00", ViewerTimeZone.Format(at!.Value, Berlin));
    }

    [Theory]
    [InlineData("not a time")]
    [InlineData("2026-13-01T00:00")]
    [InlineData("2026-01-15T08:00Z")]
    public void SomethingNotAWallClockTime_IsRefused(string typed) =>
        Assert.Equal((null, ViewerTimeZone.NotATime), ViewerTimeZone.ReadInput(typed, Berlin));

    [Fact]
    public void ABlankField_IsNoTime_AndNoError() => Assert.Equal((null, null), ViewerTimeZone.ReadInput("  ", Berlin));

    [Theory]
    [InlineData("Europe/Berlin", "2026-01-15T12:00:00Z", "From (Europe/Berlin, UTC+01:00)")]
    [InlineData("Europe/Berlin", "2026-07-15T12:00:00Z", "From (Europe/Berlin, UTC+02:00)")]
    [InlineData("UTC", "2026-07-15T12:00:00Z", "From (UTC)")]
    public void ALabel_NamesTheZone_AndItsOffsetNow(string zone, string now, string expected) =>
        Assert.Equal(expected, ViewerTimeZone.Label("From", ViewerTimeZone.Find(zone), DateTimeOffset.Parse(now)));

    [Fact]
    public void Format_AcrossTheAutumnChange_ShowsEachMomentWithItsOwnOffset()
    {
        var before = new DateTimeOffset(2026, 10, 25, 0, 59, 0, TimeSpan.Zero);

        Assert.Equal("2026-10-25 02:59:00 UTC+02:00", ViewerTimeZone.Format(before, Berlin));
        Assert.Equal("2026-10-25 02:00:00 UTC+01:00", ViewerTimeZone.Format(before.AddMinutes(1), Berlin));
    }
}

public sealed class ViewerClockTests : ConsoleComponentContext
{
    private static readonly DateTimeOffset Noon = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ChoosingUtc_ShowsUtc_AndTellsTheCascade_AndChoosingTheBrowserAgain_ShowsItsZone()
    {
        var clock = new ViewerClock();
        clock.Start("America/New_York", OpsConsole.Domain.Users.TimeZonePreference.Browser);
        var changes = 0;
        clock.Changed += () => changes++;
        var cut = Render<LocalTime>(p => p.Add(t => t.At, Noon).AddCascadingValue(ViewerTimeZone.CascadeName, clock.Zone));
        Assert.Equal("2026-01-15 07:00:00 UTC-05:00", cut.Find("time").TextContent);

        clock.Use(OpsConsole.Domain.Users.TimeZonePreference.Utc);
        clock.Use(OpsConsole.Domain.Users.TimeZonePreference.Utc);
        cut = Render<LocalTime>(p => p.Add(t => t.At, Noon).AddCascadingValue(ViewerTimeZone.CascadeName, clock.Zone));
        Assert.Equal("2026-01-15 12:00:00 UTC+00:00", cut.Find("time").TextContent);
        Assert.Equal(1, changes);

        clock.Use(OpsConsole.Domain.Users.TimeZonePreference.Browser);
        Assert.Equal("America/New_York", clock.Zone.Id);
        Assert.Equal(2, changes);
    }

    [Fact]
    public void NoMoment_ShowsTheEmptyText() =>
        Assert.Equal("never", Render<LocalTime>(p => p.Add(t => t.At, null).Add(t => t.Empty, "never")).Markup.Trim());
}
