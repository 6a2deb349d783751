using System.Collections.Concurrent;
using OpsConsole.Domain.Live;
using OpsConsole.Domain.Rehearsals.Runs;

namespace OpsConsole.Web.Components.Pages.Rehearsals;

/// <summary>
/// What a page has heard of the rehearsals it shows: the latest progress of each, and the latest live figures (the phases
/// between runs send none, and the last run's figures stay in view meanwhile). Filled on the publisher's thread, read on
/// the circuit's. A rehearsal the page has not heard of yet, or one that has ended, asks for a re-read of the store.
/// </summary>
public sealed class RehearsalLiveState
{
    private readonly ConcurrentDictionary<Guid, RehearsalProgressed> progress = new();
    private readonly ConcurrentDictionary<Guid, RehearsalLiveFigures> figures = new();
    private volatile bool stale;

    /// <summary>Notes an event; true when the page should render.</summary>
    public bool Note(RehearsalProgressed e, Func<Guid, RehearsalStatus?> storedStatus)
    {
        progress[e.RehearsalId] = e;
        if (e.Figures is { } f)
            figures[e.RehearsalId] = f;
        var status = Enum.TryParse<RehearsalStatus>(e.Status, out var s) ? s : RehearsalStatus.Running;
        if (storedStatus(e.RehearsalId) != status)
            stale = true;
        return true;
    }

    /// <summary>True once, after an event that the stored rows do not reflect yet.</summary>
    public bool TakeStale()
    {
        if (!stale)
            return false;
        stale = false;
        return true;
    }

    /// <summary>The latest progress heard, or what the stored row says when nothing was heard yet.</summary>
    public RehearsalProgressed ProgressOf(Rehearsal r, DateTimeOffset now) =>
        progress.TryGetValue(r.Id, out var heard) ? heard : RehearsalFormat.ProgressOf(r, now);

    public RehearsalLiveFigures? FiguresOf(Guid rehearsalId) => figures.GetValueOrDefault(rehearsalId);
}
