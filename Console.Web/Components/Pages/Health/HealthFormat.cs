using System.Globalization;
using OpsConsole.Domain.Checkout;

namespace OpsConsole.Web.Components.Pages.Health;

/// <summary>How the Health page writes its figures and names failure classes.</summary>
public static class HealthFormat
{
    public static string Percent(double? rate) => rate is { } r ? (r * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %" : "—";

    public static string Ms(double ms) => ms <= 0 ? "—" : ms < 10 ? ms.ToString("0.0", CultureInfo.InvariantCulture) + " ms" : ms.ToString("0", CultureInfo.InvariantCulture) + " ms";

    public static string Count(double value) => value.ToString(value % 1 == 0 ? "0" : "0.0", CultureInfo.InvariantCulture);

    /// <summary>The classes that say "it is the database", not the payment gateway: the outage's on-call looked at the gateway for 30 minutes.</summary>
    public static bool IsDatabase(string errorClass) => errorClass.StartsWith("db_", StringComparison.Ordinal);

    public static string ClassLabel(string errorClass) => errorClass switch
    {
        ErrorClasses.DbDeadlock => "DB deadlock",
        ErrorClasses.DbLockTimeout => "DB lock timeout",
        ErrorClasses.DbSerialization => "DB serialization",
        ErrorClasses.DbConnectionTimeout => "DB connection timeout",
        ErrorClasses.PaymentGateway => "Payment gateway",
        ErrorClasses.Validation => "Validation",
        _ => "Other",
    };

    /// <summary>Below this success rate a figure takes the error colour.</summary>
    public const double AlarmingSuccessRate = 0.98;
}
