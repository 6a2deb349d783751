using Npgsql;

namespace OpsConsole.Domain.DemoShop;

/// <summary>What one shopper saw: success (no error class) or the class and code the checkout died of, and how long it took.</summary>
public sealed record CheckoutAttempt(string? ErrorClass, string? ErrorCode, TimeSpan Elapsed)
{
    public bool Succeeded => ErrorClass is null;

    /// <summary>
    /// One checkout with the shop's retries, timed and classified (<see cref="CheckoutFailures"/>); null when
    /// <paramref name="ct"/> stopped it midway, since no shopper saw an outcome then.
    /// </summary>
    public static async Task<CheckoutAttempt?> RunAsync(NpgsqlDataSource db, ShopCart cart, TimeSpan lineLatency, SimulatedPaymentGateway gateway,
        TimeProvider time, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        try
        {
            await CheckoutTransaction.RunWithRetriesAsync(db, cart, lineLatency, gateway, time, ct);
            return new CheckoutAttempt(null, null, time.GetElapsedTime(started));
        }
        catch (Exception) when (ct.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception e)
        {
            var (errorClass, errorCode) = CheckoutFailures.Classify(e);
            return new CheckoutAttempt(errorClass, errorCode, time.GetElapsedTime(started));
        }
    }
}
