using Microsoft.AspNetCore.Components;
using OpsConsole.Domain.Live;

namespace OpsConsole.Web.Components.Shared;

/// <summary>
/// A page that follows the live bus: subscribes when it starts, turns a burst of events into at most one render per
/// <see cref="RenderGap"/>, and lets go of both when the circuit disposes it. A derived page notes events in
/// <see cref="Notice"/> and refreshes in <see cref="OnLiveAsync"/>.
/// </summary>
public abstract class LiveComponentBase : ComponentBase, IDisposable
{
    private IDisposable? subscription;
    private RenderThrottle? throttle;

    [Inject] public required LiveEvents Live { get; init; }
    [Inject] public required TimeProvider Time { get; init; }

    /// <summary>The shortest time between two live renders.</summary>
    protected abstract TimeSpan RenderGap { get; }

    protected DateTimeOffset Now => Time.GetUtcNow();

    protected override void OnInitialized()
    {
        throttle = new RenderThrottle(RenderGap, () => InvokeAsync(OnLiveAsync), Time);
        subscription = Live.Subscribe(e =>
        {
            if (Notice(e))
                throttle.Request(IsUrgent(e));
            return Task.CompletedTask;
        });
    }

    /// <summary>
    /// Runs on the publisher's thread, for every event: only note what happened (no rendering, no store), and return
    /// true when the page should refresh.
    /// </summary>
    protected abstract bool Notice(OpsEvent e);

    /// <summary>
    /// News a person is waiting for (not a clock tick): rendered without waiting out the gap after a routine render
    /// (<see cref="RenderThrottle"/>). None by default.
    /// </summary>
    protected virtual bool IsUrgent(OpsEvent e) => false;

    /// <summary>On the circuit, at most once per <see cref="RenderGap"/> after events that asked for it; renders by default.</summary>
    protected virtual Task OnLiveAsync()
    {
        StateHasChanged();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        subscription?.Dispose();
        throttle?.Dispose();
        GC.SuppressFinalize(this);
    }
}
