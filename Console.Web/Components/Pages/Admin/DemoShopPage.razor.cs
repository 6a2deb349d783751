using Microsoft.AspNetCore.Components;
using MudBlazor;
using OpsConsole.Domain.DemoShop;

namespace OpsConsole.Web.Components.Pages.Admin;

public partial class DemoShopPage : IDisposable
{
    /// <summary>Settings the tuning form shows; a refusal naming another one appears above the form.</summary>
    private static readonly string[] FieldNames =
    [
        "RatePerSecond", "Concurrency", "CartSizeMin", "CartSizeMax", "HotProducts", "HotShare", "LineLatency", "PaymentLatencyMin",
        "PaymentLatencyMax", "DeclineRate", "PeakEvery", "PeakDuration", "PeakFactor", "AttemptTimeout", "StatementTimeout",
    ];

    [Inject] public required DemoShopControl Control { get; init; }
    [Inject] public required DemoShopCounters Counters { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }

    private DemoShopStatus status = null!;
    private DemoShopDraft draft = null!;
    private Timer? refresh;

    protected override void OnInitialized()
    {
        status = Counters.Snapshot();
        ResetDraft();
        // Counters change many times a second; once a second is what a person can read.
        refresh = new Timer(_ => InvokeAsync(() => { status = Counters.Snapshot(); StateHasChanged(); }), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    private void ResetDraft()
    {
        Errors.Clear();
        draft = DemoShopDraft.From(Control.Settings);
    }

    private async Task StartAsync()
    {
        if (await RunAsync(actor => Control.StartAsync(actor)))
            Snackbar.Add("The demo shop is running.", Severity.Success);
    }

    private async Task StopAsync()
    {
        if (await RunAsync(actor => Control.StopAsync(actor)))
            Snackbar.Add("The demo shop stopped.", Severity.Info);
    }

    private async Task TuneAsync()
    {
        if (await RunAsync(actor => Control.TuneAsync(actor, draft.ToOptions(Control.Settings))))
        {
            Snackbar.Add("New settings applied.", Severity.Success);
            ResetDraft();
        }
    }

    public void Dispose() => refresh?.Dispose();
}

/// <summary>The tuning form's values, in the units people type (ms, seconds, minutes).</summary>
internal sealed class DemoShopDraft
{
    public double RatePerSecond { get; set; }
    public int Concurrency { get; set; }
    public int CartSizeMin { get; set; }
    public int CartSizeMax { get; set; }
    public int HotProducts { get; set; }
    public double HotShare { get; set; }
    public double LineLatencyMs { get; set; }
    public double PaymentLatencyMinMs { get; set; }
    public double PaymentLatencyMaxMs { get; set; }
    public double DeclineRate { get; set; }
    public double PeakEveryMinutes { get; set; }
    public double PeakDurationSeconds { get; set; }
    public double PeakFactor { get; set; }
    public int AttemptTimeoutSeconds { get; set; }
    public double StatementTimeoutSeconds { get; set; }

    public static DemoShopDraft From(DemoShopOptions o) => new()
    {
        RatePerSecond = o.RatePerSecond, Concurrency = o.Concurrency, CartSizeMin = o.CartSizeMin, CartSizeMax = o.CartSizeMax,
        HotProducts = o.HotProducts, HotShare = o.HotShare, LineLatencyMs = o.LineLatency.TotalMilliseconds,
        PaymentLatencyMinMs = o.PaymentLatencyMin.TotalMilliseconds, PaymentLatencyMaxMs = o.PaymentLatencyMax.TotalMilliseconds,
        DeclineRate = o.DeclineRate, PeakEveryMinutes = o.PeakEvery.TotalMinutes, PeakDurationSeconds = o.PeakDuration.TotalSeconds,
        PeakFactor = o.PeakFactor, AttemptTimeoutSeconds = (int)o.AttemptTimeout.TotalSeconds, StatementTimeoutSeconds = o.StatementTimeout.TotalSeconds,
    };

    /// <summary>The current settings with this form's values; the settings the form does not show stay as they are.</summary>
    public DemoShopOptions ToOptions(DemoShopOptions current)
    {
        var o = current.Copy();
        (o.RatePerSecond, o.Concurrency, o.CartSizeMin, o.CartSizeMax) = (RatePerSecond, Concurrency, CartSizeMin, CartSizeMax);
        (o.HotProducts, o.HotShare, o.DeclineRate, o.PeakFactor) = (HotProducts, HotShare, DeclineRate, PeakFactor);
        o.LineLatency = TimeSpan.FromMilliseconds(LineLatencyMs);
        o.PaymentLatencyMin = TimeSpan.FromMilliseconds(PaymentLatencyMinMs);
        o.PaymentLatencyMax = TimeSpan.FromMilliseconds(PaymentLatencyMaxMs);
        o.PeakEvery = TimeSpan.FromMinutes(PeakEveryMinutes);
        o.PeakDuration = TimeSpan.FromSeconds(PeakDurationSeconds);
        o.AttemptTimeout = TimeSpan.FromSeconds(AttemptTimeoutSeconds);
        o.StatementTimeout = TimeSpan.FromSeconds(StatementTimeoutSeconds);
        return o;
    }
}
