namespace OpsConsole.Domain.DemoShop;

public sealed record PaymentResult(bool Approved, string Reference);

/// <summary>A card processor that answers after a network round trip and now and then declines.</summary>
public sealed class SimulatedPaymentGateway(TimeSpan latencyMin, TimeSpan latencyMax, double declineRate, TimeProvider time)
{
    public async Task<PaymentResult> ChargeAsync(int amountCents, CancellationToken ct)
    {
        var latency = latencyMin + (latencyMax - latencyMin) * Random.Shared.NextDouble();
        if (latency > TimeSpan.Zero)
            await Task.Delay(latency, time, ct);
        return new PaymentResult(Random.Shared.NextDouble() >= declineRate, $"pay_{Guid.NewGuid():N}"[..20]);
    }
}

/// <summary>The gateway said no (HTTP 402, as card processors answer a decline).</summary>
public sealed class PaymentDeclinedException() : Exception("The payment gateway declined the card.")
{
    public const string Code = "402";
}
