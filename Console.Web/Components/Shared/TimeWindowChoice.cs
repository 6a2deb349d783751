namespace OpsConsole.Web.Components.Shared;

/// <summary>
/// What a <see cref="TimeWindowPicker"/> has chosen: a quick range that ends now whenever it is read, or a custom
/// from–to that stays where it is. The page owns it (it reads the window before the picker is first drawn).
/// </summary>
public sealed class TimeWindowChoice
{
    public TimeRange Range { get; private set; } = TimeRange.Hour;
    public string? CustomFrom { get; set; }
    public string? CustomTo { get; set; }

    /// <summary>The zone the custom inputs are typed in: the viewer's, set by the picker that shows them.</summary>
    public TimeZoneInfo Zone { get; set; } = TimeZoneInfo.Utc;

    /// <summary>Why the custom window cannot be shown, after the last <see cref="Resolve"/>; null when it can.</summary>
    public string? Error { get; private set; }

    /// <summary>A custom window: new data does not move it, so a page reloads it only when asked to.</summary>
    public bool IsCustom => Range == TimeRange.Custom;

    /// <summary>The last window resolved: where a custom window starts out from.</summary>
    public (DateTimeOffset From, DateTimeOffset To)? Last { get; private set; }

    /// <summary>Switches range; a first switch to Custom fills its inputs with the window shown so far.</summary>
    public void Pick(TimeRange range)
    {
        Range = range;
        if (range == TimeRange.Custom && Last is { } shown)
        {
            CustomFrom ??= TimeWindow.InputText(shown.From, Zone);
            CustomTo ??= TimeWindow.InputText(shown.To, Zone);
        }
    }

    /// <summary>The window as of <paramref name="now"/>, or null (with <see cref="Error"/> set) when the custom inputs do not make one.</summary>
    public (DateTimeOffset From, DateTimeOffset To)? Resolve(DateTimeOffset now)
    {
        (var window, Error) = TimeWindow.Resolve(Range, CustomFrom, CustomTo, now, Zone);
        if (window is not null)
            Last = window;
        return window;
    }
}
