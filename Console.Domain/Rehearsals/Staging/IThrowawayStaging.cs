using OpsConsole.Domain.Access;
using OpsConsole.Domain.Targets;

namespace OpsConsole.Domain.Rehearsals.Staging;

/// <summary>
/// The embedded default's staging: one call creates a PostgreSQL cluster of its own on this machine, with the demo shop's
/// schema and data, registered as a Staging target; another removes it again. The web host runs the clusters (it has the
/// server programs); without it the domain answers that there are none (<see cref="NoThrowawayStaging"/>).
/// </summary>
public interface IThrowawayStaging
{
    /// <summary>Whether clusters can be created here; when not, <see cref="UnavailableReason"/> says why.</summary>
    bool Available { get; }

    /// <summary>Why no cluster can be created here (e.g. the PostgreSQL server programs are not installed); null when <see cref="Available"/>.</summary>
    string? UnavailableReason { get; }

    /// <summary>Creates and starts a cluster, and registers it as a Staging target (RunRehearsals; audited staging.throwaway.created).</summary>
    Task<Target> CreateAsync(Actor actor, CancellationToken ct = default);

    /// <summary>Stops the cluster, deletes its folder and retires its target (RunRehearsals; audited staging.throwaway.removed).</summary>
    Task RemoveAsync(Actor actor, Guid targetId, CancellationToken ct = default);
}

/// <summary>Where nothing runs clusters (the domain without its web host): none can be created, and saying so is the whole answer.</summary>
public sealed class NoThrowawayStaging : IThrowawayStaging
{
    public const string Reason = "This console does not run PostgreSQL clusters of its own: register a staging target on Admin → Targets.";

    public bool Available => false;

    public string? UnavailableReason => Reason;

    public Task<Target> CreateAsync(Actor actor, CancellationToken ct = default) => throw new DomainRuleException(Reason);

    public Task RemoveAsync(Actor actor, Guid targetId, CancellationToken ct = default) => throw new DomainRuleException(Reason);
}
