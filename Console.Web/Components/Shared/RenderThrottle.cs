namespace OpsConsole.Web.Components.Shared;

/// <summary>
/// Coalesces requests to re-render: at most one render per <c>gap</c>, and the last request is never lost (it is
/// rendered at the end of the gap). A busy target sampled every 100 ms (or a busy checkout) must not redraw a large SVG ten times a second.
/// <para>
/// An urgent request (news a person is waiting for, such as a stored checkout batch) is held back only by the previous
/// urgent render, not by a routine one (a clock tick): a page that redrew for its once-a-second tick would otherwise keep
/// the batch that came 10 ms later waiting for the rest of the gap. Each kind still renders at most once per gap, so a
/// storm of either is bounded as before (and a render for both counts for both).
/// </para>
/// <para>
/// Renders never run on the requesting thread: the live bus publishes to every open page from one thread, and 200 pages
/// rendered one after the other there would make the last one wait for the other 199.
/// </para>
/// </summary>
public sealed class RenderThrottle : IDisposable
{
    private readonly TimeProvider time;
    private readonly Func<Task> render;
    private readonly long gap;
    private readonly Lock gate = new();
    private bool requested, urgentRequested, disposed;
    private long lastRender = long.MinValue, lastUrgentRender = long.MinValue;
    // When the scheduled render is due (a timestamp; long.MaxValue: none scheduled), and which schedule is the live one.
    private long dueAt = long.MaxValue;
    private long schedule;

    public RenderThrottle(TimeSpan gap, Func<Task> render, TimeProvider? time = null)
    {
        this.time = time ?? TimeProvider.System;
        this.render = render;
        this.gap = (long)(gap.TotalSeconds * this.time.TimestampFrequency);
    }

    /// <summary>Asks for a render; cheap, callable from any thread.</summary>
    /// <param name="urgent">News a person is waiting for: held back only by the previous urgent render.</param>
    public void Request(bool urgent = false)
    {
        long due, now = time.GetTimestamp(), mine;
        lock (gate)
        {
            if (disposed)
                return;
            requested = true;
            urgentRequested |= urgent;
            var last = urgent ? lastUrgentRender : lastRender;
            due = last == long.MinValue ? now : Math.Max(now, last + gap);
            if (dueAt <= due)
                return; // a render is coming as soon as this one may
            dueAt = due;
            mine = ++schedule;
        }
        if (due <= now)
            ThreadPool.UnsafeQueueUserWorkItem(static s => _ = s.Throttle.RenderAsync(s.Schedule), (Throttle: this, Schedule: mine), preferLocal: false);
        else
            _ = RenderLaterAsync(TimeSpan.FromSeconds((double)(due - now) / time.TimestampFrequency), mine);
    }

    private async Task RenderLaterAsync(TimeSpan wait, long mine)
    {
        await Task.Delay(wait, time).ConfigureAwait(false);
        await RenderAsync(mine);
    }

    private async Task RenderAsync(long mine)
    {
        lock (gate)
        {
            // An urgent request moved the render earlier: that schedule renders, this one is void.
            if (mine != schedule || disposed || !requested)
                return;
            // Cleared before rendering: a request arriving during the render schedules the next one.
            requested = false;
            dueAt = long.MaxValue;
            lastRender = time.GetTimestamp();
            if (urgentRequested)
                lastUrgentRender = lastRender;
            urgentRequested = false;
        }
        try { await render(); }
        catch (ObjectDisposedException) { /* the circuit went away between the request and the render */ }
    }

    public void Dispose()
    {
        lock (gate)
            disposed = true;
    }
}
