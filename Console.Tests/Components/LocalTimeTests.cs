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
