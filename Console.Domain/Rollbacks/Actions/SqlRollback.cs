using Microsoft.Extensions.Options;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Targets;

namespace OpsConsole.Domain.Rollbacks.Actions;

/// <summary>A SQL change is rolled back by its rollback script, in one transaction under a lock and a statement timeout.</summary>
public sealed class SqlRollback(TargetRegistry targets, TargetScripts scripts, IOptions<SqlRollbackOptions> options) : IRollbackAction
{
    public bool Handles(ConfigChange change) => change.Kind == ChangeKind.Sql;

    public string Describe(ConfigChange change) =>
        $"1. Check that the target answers. 2. Run the rollback script in one transaction (lock timeout {Seconds(options.Value.LockTimeout)}, " +
        $"statement timeout {Seconds(options.Value.StatementTimeout)}); any error undoes it whole. 3. Mark the change rolled back and write every step to the audit trail.";

    public async Task<RollbackCheck> PrecheckAsync(RollbackContext context, CancellationToken ct) =>
        await targets.CheckAsync(context.Target.Id, ct)
            ? RollbackCheck.Ok("The target answers and still has the change's value.")
            : throw new TargetUnavailableException(context.Target.Name, "the connection check failed");

    public async Task<string> ExecuteAsync(RollbackContext context, CancellationToken ct)
    {
        await scripts.RunInTransactionAsync(context.Target, context.Change.RollbackScript!, ct, new ScriptLimits(options.Value.LockTimeout, options.Value.StatementTimeout));
        return "The rollback script ran and committed.";
    }

    public Task<RollbackVerification> VerifyAsync(RollbackContext context, CancellationToken ct) => Task.FromResult(new RollbackVerification("Done."));

    private static string Seconds(TimeSpan span) => $"{span.TotalSeconds:0.#} s";
}

public sealed class SqlRollbackOptions : IValidatedOptions
{
    public const string Section = "Rollbacks:Sql";

    /// <summary>How long the rollback script waits for a lock before it gives up whole.</summary>
    public TimeSpan LockTimeout { get; set; } = ScriptLimits.Default.LockTimeout;

    /// <summary>How long one statement of the rollback script may run.</summary>
    public TimeSpan StatementTimeout { get; set; } = ScriptLimits.Default.StatementTimeout;

    public string? Problem() => ValidatedOptions.First(
        ValidatedOptions.AtLeast($"{Section}:LockTimeout", LockTimeout, TimeSpan.FromMilliseconds(1)),
        ValidatedOptions.AtLeast($"{Section}:StatementTimeout", StatementTimeout, TimeSpan.FromMilliseconds(1)));
}
