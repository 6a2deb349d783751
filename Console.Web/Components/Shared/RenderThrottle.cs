namespace OpsConsole.Web.Components.Shared;

/// <summary>
/// Coalesces requests to re-render: at most one render per <c>gap</c>, and the last request is never lost (it is
/// rendered at the end of the gap). A busy target sampled every 100 ms (or a busy checkout) must not redraw a large SVG ten times a second.
/// </summary>
public sealed class RenderThrottle(TimeSpan gap, Func<Task> render, TimeProvider? time = null) : IDisposable
{
    private readonly TimeProvider time = time ?? TimeProvider.System;
    private int scheduled;
    private long lastRender = long.MinValue;
    private volatile bool disposed;

    /// <summary>Asks for a render; cheap, callable from any thread.</summary>
    public void Request()
    {
        if (disposed || Interlocked.Exchange(ref scheduled, 1) == 1)
            return;
        _ = RunAsync();
    }

    private async Task RunAsync()
    {
        var last = Interlocked.Read(ref lastRender);
        var wait = last == long.MinValue ? TimeSpan.Zero : gap - time.GetElapsedTime(last);
        if (wait > TimeSpan.Zero)
            await Task.Delay(wait, time);
        // Cleared before rendering: a request arriving during the render schedules the next one.
        Volatile.Write(ref scheduled, 0);
        Interlocked.Exchange(ref lastRender, time.GetTimestamp());
        if (disposed)
            return;
        try { await render(); }
        catch (ObjectDisposedException) { /* the circuit went away between the request and the render */ }
    }

    public void Dispose() => disposed = true;
}
