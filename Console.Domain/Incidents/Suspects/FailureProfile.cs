using System.Globalization;
using OpsConsole.Domain.Checkout;

namespace OpsConsole.Domain.Incidents.Suspects;

/// <summary>
/// Where an incident's checkout failures are: counts per error class since onset, their shares, and the words that
/// say so ("72 % of failures are db_deadlock or db_lock_timeout", or where they are when not in the database).
/// </summary>
public sealed record FailureProfile(IReadOnlyDictionary<string, long> FailuresByClass)
{
    /// <summary>Failures of these classes come from the database, so a database change can explain them.</summary>
    public static readonly IReadOnlyList<string> DatabaseClasses =
        [ErrorClasses.DbDeadlock, ErrorClasses.DbLockTimeout, ErrorClasses.DbSerialization, ErrorClasses.DbConnectionTimeout];

    /// <summary>Half the failures or more are database-class: below that, the database is not where most failures are.</summary>
    public const double DatabaseClassMajority = 0.5;

    public static FailureProfile Of(CheckoutFigures figures) => new(figures.FailuresByClass);

    public static FailureProfile None { get; } = new(new Dictionary<string, long>());

    public long Failures => FailuresByClass.Values.Sum();

    /// <summary>The share (0-1) of failures in <paramref name="classes"/>; 0 when nothing failed.</summary>
    public double ShareOf(IEnumerable<string> classes) =>
        Failures == 0 ? 0 : (double)classes.Distinct().Sum(c => FailuresByClass.GetValueOrDefault(c)) / Failures;

    public double DatabaseShare => ShareOf(DatabaseClasses);

    public bool DatabaseClass => Failures > 0 && DatabaseShare >= DatabaseClassMajority;

    /// <summary>The classes among <paramref name="classes"/> that failed, most failures first.</summary>
    public IReadOnlyList<string> Present(IEnumerable<string> classes) =>
        classes.Distinct().Where(c => FailuresByClass.GetValueOrDefault(c) > 0).OrderByDescending(c => FailuresByClass[c]).ToList();

    /// <summary>"72 % of failures are db_deadlock or db_lock_timeout".</summary>
    public string ShareText(IEnumerable<string> classes)
    {
        var present = Present(classes);
        return $"{Percent(ShareOf(present))} of failures are {string.Join(" or ", present)}";
    }

    /// <summary>The incident's summary: how many failed and of which classes, or where the failures are when not in the database.</summary>
    public string Summary()
    {
        if (Failures == 0)
            return "No failed checkouts since onset: the failure classes say nothing yet.";
        var count = Failures.ToString("N0", CultureInfo.InvariantCulture);
        if (DatabaseClass)
            return $"{ShareText(DatabaseClasses)} ({count} failed checkouts since onset): the failures are in the database.";
        var outside = Present(ErrorClasses.All.Except(DatabaseClasses));
        var where = string.Join(" and ", outside.Select(Where));
        return $"Failures are not database-class: {ShareText(outside)} ({count} failed checkouts since onset). Look at {where}, not at database changes.";
    }

    /// <summary>"72 %", rounded down so that "100 %" means all (the epsilon keeps 0.72 from showing as 71).</summary>
    public static string Percent(double share) => $"{Math.Floor(share * 100 + 1e-9).ToString(CultureInfo.InvariantCulture)} %";

    private static string Where(string errorClass) => errorClass switch
    {
        ErrorClasses.PaymentGateway => "the payment gateway",
        ErrorClasses.Validation => "what customers send (validation)",
        _ => "the checkout service itself",
    };
}
