using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Data;

namespace OpsConsole.Domain.DemoShop;

/// <summary>
/// Starts, stops and retunes the demo shop's traffic: Admins only, each action audited. The state lives in
/// memory (one console runs the shop); a restart goes back to the configured <see cref="DemoShopOptions"/>.
/// </summary>
public sealed class DemoShopControl(IOptions<DemoShopOptions> configured, IDbContextFactory<OpsDbContext> dbFactory,
    AccessGuard guard, AuditLog audit)
{
    private readonly Lock gate = new();
    private RunState state = new(configured.Value.Enabled, configured.Value.Copy(), new CancellationTokenSource());

    public bool IsRunning => state.Running;

    /// <summary>A copy of the settings in force.</summary>
    public DemoShopOptions Settings => state.Settings.Copy();

    /// <summary>Raised after every start, stop and tuning (on the caller's thread).</summary>
    public event Action? Changed;

    public async Task StartAsync(Actor actor, CancellationToken ct = default)
    {
        var settings = Settings;
        await guard.DemandAsync(actor, Permission.ManageDemoShop, "workload.start", Subject(settings), ct);
        await RequireTargetAsync(settings.Target, ct);
        await RecordAsync(actor, "workload.started", settings, new { wasRunning = IsRunning }, ct);
        Replace(running: true, settings: null);
    }

    public async Task StopAsync(Actor actor, CancellationToken ct = default)
    {
        var settings = Settings;
        await guard.DemandAsync(actor, Permission.ManageDemoShop, "workload.stop", Subject(settings), ct);
        await RecordAsync(actor, "workload.stopped", settings, new { wasRunning = IsRunning }, ct);
        Replace(running: false, settings: null);
    }

    /// <summary>Applies new settings (a running workload restarts with them at once); <c>Enabled</c> is ignored: Start and Stop decide.</summary>
    public async Task TuneAsync(Actor actor, DemoShopOptions settings, CancellationToken ct = default)
    {
        settings = settings.Copy();
        await guard.DemandAsync(actor, Permission.ManageDemoShop, "workload.tune", Subject(settings), ct);
        DemoShopRules.Check(settings);
        await RequireTargetAsync(settings.Target, ct);
        await RecordAsync(actor, "workload.tuned", settings, settings, ct);
        Replace(running: null, settings);
    }

    /// <summary>What the workload should do now; <see cref="RunState.Superseded"/> fires at the next change.</summary>
    internal RunState Current => state;

    internal sealed record RunState(bool Running, DemoShopOptions Settings, CancellationTokenSource Cancel)
    {
        public CancellationToken Superseded => Cancel.Token;
    }

    /// <summary>Swaps the state in one step (null keeps that part), so that a start and a tuning at once both count.</summary>
    private void Replace(bool? running, DemoShopOptions? settings)
    {
        RunState previous;
        lock (gate)
        {
            previous = state;
            var next = (settings ?? previous.Settings).Copy();
            next.Enabled = running ?? previous.Running;
            state = new RunState(next.Enabled, next, new CancellationTokenSource());
        }
        previous.Cancel.Cancel();
        Changed?.Invoke();
    }

    private async Task RequireTargetAsync(string name, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Targets.AnyAsync(t => t.Name == name, ct))
            throw new DomainRuleException($"No target named {name} is registered; register it on the Targets page first.", nameof(DemoShopOptions.Target));
    }

    private async Task RecordAsync(Actor actor, string action, DemoShopOptions settings, object details, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        audit.Record(db, actor, action, Subject(settings), details);
        await db.SaveChangesAsync(ct);
    }

    private static string Subject(DemoShopOptions settings) => $"workload:{settings.Target}";
}
