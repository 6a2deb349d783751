using HdrHistogram;
using HdrHistogram.Utilities;

namespace OpsConsole.Domain.Checkout;

/// <summary>
/// Latency histograms in microseconds, 1 µs to one hour, 3 significant digits. Every histogram has the same
/// range, so that those of any minutes (and any console instance) add up exactly.
/// </summary>
public static class LatencyHistograms
{
    private const long HighestMicros = (long)(IngestOptions.LatencyCeilingMs * 1000);

    public static LongHistogram New() => new(1, HighestMicros, 3);

    public static void Record(HistogramBase histogram, double latencyMs) =>
        histogram.RecordValue(Math.Clamp((long)Math.Round(latencyMs * 1000), 0, HighestMicros));

    /// <summary>The value at <paramref name="percentile"/> (0-100) in milliseconds; 0 for an empty histogram.</summary>
    public static double PercentileMs(HistogramBase histogram, double percentile) =>
        histogram.TotalCount == 0 ? 0 : histogram.GetValueAtPercentile(percentile) / 1000.0;

    public static byte[] Encode(HistogramBase histogram)
    {
        var buffer = ByteBuffer.Allocate(histogram.GetNeededByteBufferCapacity());
        var length = histogram.EncodeIntoCompressedByteBuffer(buffer);
        // ByteBuffer offers no public copy out: read the encoded bytes back one by one (a few hundred).
        buffer.Position = 0;
        var encoded = new byte[length];
        for (var i = 0; i < length; i++)
            encoded[i] = buffer.Get();
        return encoded;
    }

    public static LongHistogram Decode(byte[] encoded)
    {
        var decoded = HistogramEncoding.DecodeFromCompressedByteBuffer(ByteBuffer.Allocate(encoded), HighestMicros);
        // Decoding yields the histogram type of the encoding; adding it to a fresh one gives the common type.
        var histogram = New();
        histogram.Add(decoded);
        return histogram;
    }
}
