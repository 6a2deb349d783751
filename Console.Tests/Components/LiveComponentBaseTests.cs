using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpsConsole.Domain.Live;
using OpsConsole.Tests.Support;
using OpsConsole.Web.Components.Shared;

namespace OpsConsole.Tests.Components;

public sealed class LiveComponentBaseTests : ConsoleComponentContext
{
    private readonly LiveEvents live = new(TestMetrics.Create());
    private readonly FakeTimeProvider time = new();

    public LiveComponentBaseTests()
    {
        Services.AddSingleton(live);
        Services.AddSingleton<TimeProvider>(time);
    }

    /// <summary>Counts the target events it noticed and shows how many it had when it last refreshed.</summary>
    private sealed class LiveProbe : LiveComponentBase
    {
        private int noticed, refreshes;

        public int Noticed => Volatile.Read(ref noticed);

        protected override TimeSpan RenderGap => TimeSpan.FromSeconds(1);

        protected override bool Notice(OpsEvent e)
        {
            if (e is not TargetUpdated)
                return false;
            Interlocked.Increment(ref noticed);
            return true;
        }

        protected override Task OnLiveAsync()
        {
            refreshes++;
            return base.OnLiveAsync();
        }

        protected override void BuildRenderTree(RenderTreeBuilder builder)
        {
            builder.OpenElement(0, "p");
            builder.AddAttribute(1, "data-testid", "probe");
            builder.AddContent(2, $"{refreshes} refreshes, {Noticed} noticed");
            builder.CloseElement();
        }
    }

    [Fact]
    public void EventsItNotices_RefreshThePage_ABurstOnceMoreAfterTheGap()
    {
        var probe = Render<LiveProbe>();

        live.Publish(new TargetUpdated(Guid.NewGuid()));
        probe.WaitForAssertion(() => Assert.Equal("1 refreshes, 1 noticed", probe.Find("[data-testid=probe]").TextContent));
        live.Publish(new TargetUpdated(Guid.NewGuid()));
        live.Publish(new TargetUpdated(Guid.NewGuid()));
        live.Publish(new TargetUpdated(Guid.NewGuid()));
        Assert.Equal(4, probe.Instance.Noticed);
        time.Advance(TimeSpan.FromSeconds(1));

        probe.WaitForAssertion(() => Assert.Equal("2 refreshes, 4 noticed", probe.Find("[data-testid=probe]").TextContent));
    }

    [Fact]
    public void EventsItIgnores_DoNotRefreshThePage()
    {
        var probe = Render<LiveProbe>();

        live.Publish(new CheckoutEventsStored(3, DateTimeOffset.UnixEpoch));
        live.Publish(new TargetUpdated(Guid.NewGuid()));

        probe.WaitForAssertion(() => Assert.Equal("1 refreshes, 1 noticed", probe.Find("[data-testid=probe]").TextContent));
    }

    [Fact]
    public void ADisposedPage_HearsNothingMore()
    {
        var probe = Render<LiveProbe>();
        var page = probe.Instance;

        page.Dispose();
        live.Publish(new TargetUpdated(Guid.NewGuid()));

        // Publish calls every subscriber before it returns (the handler is synchronous): nothing is on its way.
        Assert.Equal(0, page.Noticed);
    }
}
