using OpsConsole.Domain.Data.Configurations;

namespace OpsConsole.Domain.Checkout;

/// <summary>
/// What makes a checkout event acceptable, for the API and the demo shop alike. The first problem is named by
/// its wire field (camelCase), so the API can answer "[3].occurredAt".
/// </summary>
public static class CheckoutEventRules
{
    public const int MaxEventIdLength = CheckoutEventConfiguration.MaxEventIdLength;
    public const int MaxNameLength = CheckoutEventConfiguration.MaxNameLength;
    public const decimal MaxAmount = 1_000_000_000_000m;

    public static (string Field, string Message)? FirstProblem(CheckoutEvent e, DateTimeOffset now, IngestOptions limits)
    {
        if (string.IsNullOrWhiteSpace(e.EventId))
            return ("eventId", "Give each event a non-empty 'eventId', unique per checkout attempt.");
        if (e.EventId.Length > MaxEventIdLength)
            return ("eventId", $"'eventId' is at most {MaxEventIdLength} characters.");
        if (e.OccurredAt > now + limits.MaxClockSkew)
            return ("occurredAt", $"'occurredAt' is more than {limits.MaxClockSkew} ahead of the console's clock ({now:O}).");
        if (e.OccurredAt < now - limits.MaxEventAge)
            return ("occurredAt", $"'occurredAt' is older than {limits.MaxEventAge}: events that old are not accepted.");
        if (!Enum.IsDefined(e.Outcome))
            return ("outcome", "'outcome' is succeeded or failed.");
        // A success that names an error is a sender's bug; refusing it beats silently counting it one way or the other.
        if (e.Outcome == CheckoutOutcome.Succeeded && e.ErrorClass is not null)
            return ("errorClass", "A succeeded attempt has no 'errorClass': leave it out or send null.");
        if (e.Outcome == CheckoutOutcome.Succeeded && e.ErrorCode is not null)
            return ("errorCode", "A succeeded attempt has no 'errorCode': leave it out or send null.");
        if (e.Outcome == CheckoutOutcome.Failed && e.ErrorClass is null)
            return ("errorClass", $"A failed attempt needs an 'errorClass': one of {string.Join(", ", ErrorClasses.All)}.");
        if (e.ErrorClass is not null && !ErrorClasses.All.Contains(e.ErrorClass))
            return ("errorClass", $"'errorClass' is one of {string.Join(", ", ErrorClasses.All)}.");
        if (TooLong(e.ErrorCode))
            return ("errorCode", $"'errorCode' is at most {MaxNameLength} characters.");
        if (!double.IsFinite(e.LatencyMs) || e.LatencyMs < 0 || e.LatencyMs > limits.MaxLatencyMs)
            return ("latencyMs", $"'latencyMs' is a number from 0 to {limits.MaxLatencyMs}.");
        if (e.Amount is < 0 or > MaxAmount)
            return ("amount", $"'amount' is a number from 0 to {MaxAmount}.");
        if (e.Currency is not null && (e.Currency.Length != 3 || !e.Currency.All(char.IsAsciiLetterUpper)))
            return ("currency", "'currency' is an ISO 4217 code: three capital letters, e.g. EUR.");
        if (TooLong(e.Region))
            return ("region", $"'region' is at most {MaxNameLength} characters.");
        if (string.IsNullOrWhiteSpace(e.Service) || TooLong(e.Service))
            return ("service", $"'service' is 1 to {MaxNameLength} characters (default checkout).");
        if (TooLong(e.Target))
            return ("target", $"'target' is at most {MaxNameLength} characters.");
        return null;
    }

    private static bool TooLong(string? text) => text is { Length: > MaxNameLength };
}
