namespace OpsConsole.Domain.Checkout;

/// <summary>
/// Every store slot stayed busy for the whole wait: the batch was not stored, and the sender should try again
/// after <see cref="RetryAfter"/>. Refusing is better than acknowledging what might then be lost.
/// </summary>
public sealed class CheckoutIngestBusyException(TimeSpan retryAfter)
    : Exception($"The checkout ingest is busy; try again in {retryAfter.TotalSeconds:0.#} s.")
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
