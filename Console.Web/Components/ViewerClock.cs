using OpsConsole.Domain.Users;

namespace OpsConsole.Web.Components;

/// <summary>
/// The zone this circuit shows times in: the browser's, or UTC when the person chose it. Routes cascades
/// <see cref="Zone"/> to every page and redraws when it changes, so a new choice shows without a reload.
/// </summary>
public sealed class ViewerClock
{
    public TimeZoneInfo BrowserZone { get; private set; } = TimeZoneInfo.Utc;
    public TimeZonePreference Preference { get; private set; }
    public TimeZoneInfo Zone => Preference == TimeZonePreference.Utc ? TimeZoneInfo.Utc : BrowserZone;

    public event Action? Changed;

    public void Start(string? browserZoneId, TimeZonePreference preference)
    {
        BrowserZone = ViewerTimeZone.Find(browserZoneId);
        Preference = preference;
    }

    public void Use(TimeZonePreference preference)
    {
        if (preference == Preference)
            return;
        Preference = preference;
        Changed?.Invoke();
    }
}
