using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Data;

namespace OpsConsole.Domain.Rollbacks;

/// <summary>A run and the number of the change it rolls back, as the API answers it.</summary>
public sealed record RollbackRunRecord(RollbackRun Run, int ChangeNumber);

/// <summary>
/// Starts a rollback without waiting for it, for callers that follow the run rather than hold a connection open (the API
/// answers 202 with the run). Whatever refuses the rollback before its run is claimed (the permission, a missing reason,
/// a change already rolled back or being rolled back) is thrown here, to the caller; whatever happens after is recorded
/// on the run by <see cref="RollbackProcedure"/>, which is the only way a rollback is done.
/// </summary>
public sealed class RollbackStarter(RollbackProcedure procedure, IDbContextFactory<OpsDbContext> dbFactory, ILogger<RollbackStarter> logger)
{
    public async Task<RollbackRunRecord> StartAsync(Actor actor, RollbackRequest request, CancellationToken ct = default)
    {
        var claimed = new TaskCompletionSource<Guid>(TaskCreationOptions.RunContinuationsAsynchronously);
        // Not the caller's token: the run goes on after the caller has its answer, and a rollback stopped halfway helps nobody.
        var running = Task.Run(() => procedure.RunAsync(actor, request, null, CancellationToken.None, id => claimed.TrySetResult(id)), CancellationToken.None);
        _ = running.ContinueWith(finished =>
        {
            if (finished.Exception is { } failed && !claimed.TrySetException(failed.InnerExceptions))
                logger.LogError(failed.GetBaseException(), "The rollback of {ChangeId} by {Actor} failed after its run started", request.ChangeId, actor.Name);
            claimed.TrySetException(new InvalidOperationException("The rollback finished without claiming a run."));
        }, TaskScheduler.Default);

        var runId = await claimed.Task.WaitAsync(ct);
        return await GetAsync(runId, ct) ?? throw new InvalidOperationException($"The rollback run {runId} is not in the store.");
    }

    public async Task<RollbackRunRecord?> GetAsync(Guid runId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await (from run in db.RollbackRuns.AsNoTracking()
                      join change in db.Changes on run.ChangeId equals change.Id
                      where run.Id == runId
                      select new RollbackRunRecord(run, change.Number)).FirstOrDefaultAsync(ct);
    }
}
