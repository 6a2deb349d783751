using System.Globalization;
using MudBlazor;
using OpsConsole.Domain.Live;
using OpsConsole.Domain.Rehearsals;
using OpsConsole.Domain.Rehearsals.Runs;
using OpsConsole.Web.Components.Shared;

namespace OpsConsole.Web.Components.Pages.Rehearsals;

/// <summary>How rehearsal pages write statuses, phases and figures, so that the change page, the report and the progress agree.</summary>
public static class RehearsalFormat
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Status(RehearsalStatus status) => status switch
    {
        RehearsalStatus.NotRun => "Could not run",
        _ => status.ToString(),
    };

    public static Color ColorOf(RehearsalStatus status) => status switch
    {
        RehearsalStatus.Passed => Color.Success,
        RehearsalStatus.Failed => Color.Error,
        RehearsalStatus.Running or RehearsalStatus.Queued => Color.Info,
        RehearsalStatus.NotRun => Color.Warning,
        _ => Color.Default,
    };

    /// <summary>"round 2 of 3 · run with the change", or "queued" before the runner has begun.</summary>
    public static string Phase(RehearsalProgressed progress)
    {
        if (progress.Status == nameof(RehearsalStatus.Queued))
            return "queued: waiting for the runner";
        var phase = Enum.TryParse<RehearsalPhase>(progress.Phase, out var p) ? RehearsalStatusText.Of(p) : progress.Phase;
        return progress.Rounds > 0 && progress.Round > 0 ? $"round {progress.Round} of {progress.Rounds} · {phase}" : phase;
    }

    /// <summary>Where a stored rehearsal stands, for a page that opens while it runs and has not heard from the runner yet.</summary>
    public static RehearsalProgressed ProgressOf(Rehearsal r, DateTimeOffset now) =>
        new(r.Id, r.ChangeId, r.TargetId, r.Status.ToString(), r.Phase.ToString(), r.Round, r.Rounds,
            r.StartedAt is { } started && now > started ? now - started : TimeSpan.Zero, RehearsalPlan.Planned(r.ProfileSettings));

    /// <summary>How long it took (or has taken so far).</summary>
    public static string Duration(Rehearsal r, DateTimeOffset now) =>
        r.StartedAt is { } started ? DurationText.Of((r.EndedAt ?? now) - started) : "—";

    public static string Count(double value) => value.ToString("0.#", Invariant);

    public static string PerSecond(double value) => value.ToString("0.0", Invariant) + "/s";

    public static string Percent(double rate) => (rate * 100).ToString("0.0", Invariant) + " %";

    public static string Ms(double? value) => value is { } v ? v.ToString("0", Invariant) + " ms" : "—";

    public static string Seconds(double seconds) => DurationText.Of(TimeSpan.FromSeconds(seconds));

    /// <summary>The profile in one line: "18 checkouts/s on 6 connections, 2 min 00 s per run, 3 rounds".</summary>
    public static string Profile(RehearsalProfileSettings p) =>
        $"{p.PacePerSecond.ToString("0.#", Invariant)} checkouts/s ({p.RatePerSecond.ToString("0.#", Invariant)}/s × {p.PeakMultiplier.ToString("0.#", Invariant)}) " +
        $"on {p.ConcurrentShoppers} connections, {DurationText.Of(p.Duration)} per run, {p.Rounds} {(p.Rounds == 1 ? "round" : "rounds")}; " +
        $"carts of {p.CartSizeMin}–{p.CartSizeMax} items, {p.HotProducts} hot products taking {(p.HotShare * 100).ToString("0", Invariant)} %";

    public static string Thresholds(RehearsalThresholds t) =>
        $"failure rate ≤ baseline + {t.FailureRatePoints.ToString("0.##", Invariant)} points; deadlocks ≤ baseline × {t.DeadlockFactor.ToString("0.##", Invariant)} + " +
        $"{t.DeadlockAllowance.ToString("0.##", Invariant)}; p95 ≤ baseline × {t.P95Factor.ToString("0.##", Invariant)}";
}
