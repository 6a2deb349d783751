namespace OpsConsole.Domain.Checkout;

/// <summary>
/// A stored batch: <see cref="Accepted"/> events are durable, of which <see cref="Duplicates"/> had been stored
/// before (or were repeated within the batch) and were not stored again.
/// </summary>
public sealed record CheckoutBatchResult(int Accepted, int Stored, int Duplicates);
