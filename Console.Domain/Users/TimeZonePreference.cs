namespace OpsConsole.Domain.Users;

/// <summary>Which clock a person reads the console's times in. The API and the exports are UTC whatever this says.</summary>
public enum TimeZonePreference
{
    /// <summary>The browser's own zone, each time shown with its UTC offset.</summary>
    Browser,

    /// <summary>UTC, for people who share one clock with others on a call.</summary>
    Utc,
}
