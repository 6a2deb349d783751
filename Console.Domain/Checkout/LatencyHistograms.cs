using HdrHistogram;
using HdrHistogram.Encoding;
using HdrHistogram.Utilities;

namespace OpsConsole.Domain.Checkout;

/// <summary>
/// Latency histograms in microseconds, 1 µs to one hour, 3 significant digits. Every histogram has the same
/// range, so that those of any minutes (and any console instance) add up exactly.
/// </summary>
public static class LatencyHistograms
{
    private const long HighestMicros = (long)(IngestOptions.LatencyCeilingMs * 1000);

    // The encode buffer must hold a full histogram (~190 KB): one per thread rather than one per batch.
    [ThreadStatic] private static ByteBuffer? encodeBuffer;

    public static LongHistogram New() => new(1, HighestMicros, 3);

    public static long Micros(double latencyMs) => Math.Clamp((long)Math.Round(latencyMs * 1000), 0, HighestMicros);

    public static void Record(HistogramBase histogram, double latencyMs) => histogram.RecordValue(Micros(latencyMs));

    /// <summary>The value at <paramref name="percentile"/> (0-100) in milliseconds; 0 for an empty histogram.</summary>
    public static double PercentileMs(HistogramBase histogram, double percentile) =>
        histogram.TotalCount == 0 ? 0 : histogram.GetValueAtPercentile(percentile) / 1000.0;

    /// <summary>The V2 encoding without the deflate wrapper: it is compact already (zero runs, variable-length counts).</summary>
    public static byte[] Encode(HistogramBase histogram)
    {
        var buffer = encodeBuffer ??= ByteBuffer.Allocate(histogram.GetNeededByteBufferCapacity());
        buffer.Position = 0;
        var length = histogram.Encode(buffer, HistogramEncoderV2.Instance);
        // ByteBuffer offers no public copy out: read the encoded bytes back (a few hundred to a few thousand).
        buffer.Position = 0;
        var encoded = new byte[length];
        for (var i = 0; i < length; i++)
            encoded[i] = buffer.Get();
        return encoded;
    }

    public static LongHistogram Decode(byte[] encoded)
    {
        var decoded = HistogramEncoding.DecodeFromByteBuffer(ByteBuffer.Allocate(encoded), HighestMicros, null);
        // Decoding yields the histogram type of the encoding; adding it to a fresh one gives the common type.
        var histogram = New();
        histogram.Add(decoded);
        return histogram;
    }
}
