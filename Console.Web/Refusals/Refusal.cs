using OpsConsole.Domain;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Checkout;
using OpsConsole.Domain.Rehearsals.Runs;
using OpsConsole.Domain.Rollbacks;
using OpsConsole.Domain.Targets;

namespace OpsConsole.Web.Refusals;

public enum RefusalKind { Rule, AccessDenied, Conflict, TargetUnavailable, Busy }

/// <summary>
/// The domain saying no, in the one shape both ways out use: <see cref="Components.Shared.ActorComponentBase"/> shows it on
/// the form, <see cref="RefusalProblemFilter"/> answers it as problem details. Anything else is a fault, not a refusal,
/// and goes to the error page or a 500 as it is.
/// </summary>
public sealed record Refusal(RefusalKind Kind, string Message, string? Field = null, TimeSpan? RetryAfter = null)
{
    public static Refusal? Of(Exception e) => e switch
    {
        DomainRuleException rule => new(RefusalKind.Rule, rule.Message, rule.Field),
        AccessDeniedException denied => new(RefusalKind.AccessDenied, denied.Message),
        RollbackRefusedException refused => new(RefusalKind.Conflict, refused.Message),
        RehearsalBusyException busy => new(RefusalKind.Conflict, busy.Message),
        TargetUnavailableException down => new(RefusalKind.TargetUnavailable, down.Message),
        CheckoutIngestBusyException busy => new(RefusalKind.Busy, busy.Message, RetryAfter: busy.RetryAfter),
        _ => null,
    };
}
