using Npgsql;

namespace OpsConsole.Domain.DemoShop;

/// <summary>
/// One checkout, as a typical checkout service writes it: reserve stock row by row in cart order (pricing each
/// line as it goes), record the order, charge the card while still holding the stock locks, record the payment,
/// commit. Holding locks across the gateway call is the classic mistake that makes lock waits (and deadlocks) expensive.
/// </summary>
public static class CheckoutTransaction
{
    /// <summary>
    /// Completes the checkout or throws, trying it again (up to <see cref="Tries"/> in all) when the server chose it as
    /// a deadlock victim or aborted it on a serialization failure, as PostgreSQL's manual advises and checkout services
    /// do. So a deadlock the server breaks within <c>deadlock_timeout</c> costs the shopper a moment, not the sale; one
    /// held longer than the shopper waits fails the pair and everyone queued behind them, which is the outage.
    /// </summary>
    public static async Task RunWithRetriesAsync(NpgsqlDataSource db, ShopCart cart, TimeSpan lineLatency, SimulatedPaymentGateway gateway,
        TimeProvider time, CancellationToken ct)
    {
        for (var tried = 1; ; tried++)
        {
            try
            {
                await RunAsync(db, cart, lineLatency, gateway, time, ct);
                return;
            }
            catch (PostgresException e) when (tried < Tries && !ct.IsCancellationRequested
                                              && e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
            {
            }
        }
    }

    public const int Tries = 3;

    /// <summary>Completes the checkout or throws: <see cref="ShopConnectException"/>, a driver exception, or a decline.</summary>
    public static async Task RunAsync(NpgsqlDataSource db, ShopCart cart, TimeSpan lineLatency, SimulatedPaymentGateway gateway,
        TimeProvider time, CancellationToken ct)
    {
        NpgsqlConnection connection;
        try
        {
            connection = await db.OpenConnectionAsync(ct);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            throw new ShopConnectException(e);
        }
        await using (connection)
        {
            await using var transaction = await connection.BeginTransactionAsync(ct);
            foreach (var item in cart.Items)
            {
                await using var reserve = new NpgsqlCommand(ShopSchema.Reserve, connection, transaction)
                {
                    Parameters = { new() { Value = item.ProductId }, new() { Value = item.Quantity },
                        new() { Value = ShopSchema.RestockBelow }, new() { Value = ShopSchema.InitialStock } },
                };
                await reserve.ExecuteNonQueryAsync(ct);
                if (lineLatency > TimeSpan.Zero)
                    await Task.Delay(lineLatency, time, ct); // pricing this line, its stock (and the lines' before) still locked
            }

            long orderId;
            await using (var order = new NpgsqlCommand(ShopSchema.InsertOrder, connection, transaction)
            {
                Parameters = { new() { Value = cart.CustomerId }, new() { Value = cart.Region }, new() { Value = cart.TotalCents },
                    new() { Value = cart.Items.Select(i => i.ProductId).ToArray() }, new() { Value = cart.Items.Select(i => i.Quantity).ToArray() },
                    new() { Value = cart.Items.Select(i => i.UnitPriceCents).ToArray() } },
            })
                orderId = (long)(await order.ExecuteScalarAsync(ct))!;

            var payment = await gateway.ChargeAsync(cart.TotalCents, ct);
            if (!payment.Approved)
                throw new PaymentDeclinedException(); // disposing the transaction rolls the reservation back

            await using (var capture = new NpgsqlCommand(ShopSchema.CapturePayment, connection, transaction)
            {
                Parameters = { new() { Value = orderId }, new() { Value = cart.TotalCents }, new() { Value = payment.Reference } },
            })
                await capture.ExecuteNonQueryAsync(ct);

            await transaction.CommitAsync(ct);
        }
    }
}

/// <summary>The shop could not get a database connection (pool exhausted, connect timeout, server refusing).</summary>
public sealed class ShopConnectException(Exception inner) : Exception("Could not get a connection to the shop database.", inner);
