using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using OpsConsole.Domain.Audit;

namespace OpsConsole.Tests.Support;

/// <summary>The audit services over a test store, and what a large audit log needs around them (settling, measuring an export).</summary>
public static class AuditStores
{
    public const string CheckpointKey = "bench-audit-checkpoint-key-0123456789abcdef";

    public static AuditCheckpointSigner Signer() => new(Options.Create(new AuditOptions { CheckpointKey = CheckpointKey }));

    public static AuditChain ChainOf(string store) => new(new StoreContextFactory(store), Signer());

    public static AuditQueries QueriesOf(string store) => new(new StoreContextFactory(store));

    /// <summary>
    /// Vacuums and analyzes the entries and checkpoints the head, as a store that has held them for a while would be
    /// (autovacuum, the checkpoint writer). The vacuum runs as the owner, the checkpoint as the console: <paramref name="store"/>.
    /// </summary>
    public static async Task SettleAsync(string store, CancellationToken ct)
    {
        await using (var connection = new NpgsqlConnection(PostgresClusterFixture.OwnerConnectionString(store)))
        {
            await connection.OpenAsync(ct);
            await using var vacuum = new NpgsqlCommand("VACUUM ANALYZE audit_entries", connection) { CommandTimeout = 3600 };
            await vacuum.ExecuteNonQueryAsync(ct);
        }
        var writer = new AuditCheckpointWriter(new StoreContextFactory(store), Signer(), Options.Create(new AuditOptions { CheckpointKey = CheckpointKey }),
            TimeProvider.System, NullLogger<AuditCheckpointWriter>.Instance);
        Assert.NotNull(await writer.WriteAsync(ct));
    }

    /// <summary>
    /// Exports everything and watches the managed heap while it streams: the live heap (after a full collection) before the
    /// export, and every <paramref name="sampleEveryBytes"/> written. Writing row by row keeps it flat; an export that read every
    /// row first would hold them all by its first sample. A first export, unmeasured, compiles and caches the query.
    /// </summary>
    public static async Task<ExportMeasure> MeasureExportAsync(AuditQueries queries, AuditExportFormat format, CancellationToken ct,
        int sampleEveryBytes = 1 << 20)
    {
        await queries.ExportAsync(AuditFilter.None, format, Stream.Null, ct);
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var sink = new HeapSamplingStream(sampleEveryBytes);
        var clock = Stopwatch.StartNew();
        var result = await queries.ExportAsync(AuditFilter.None, format, sink, ct);
        var elapsed = clock.Elapsed;
        Assert.NotEmpty(sink.Samples);
        return new ExportMeasure(result.Written, sink.Length, elapsed, sink.Samples.Max() - baseline, sink.Samples[^1] - sink.Samples[0], sink.Samples);
    }

    public sealed record ExportMeasure(int Rows, long Bytes, TimeSpan Elapsed, long LiveHeapGrowthBytes, long LiveHeapFirstToLastBytes, IReadOnlyList<long> Samples);

    /// <summary>Discards what is written, counting the bytes, and samples the live heap every so many bytes.</summary>
    private sealed class HeapSamplingStream(int sampleEveryBytes) : Stream
    {
        private long length, nextSample = sampleEveryBytes;
        public List<long> Samples { get; } = [];
        public override long Length => length;

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            length += buffer.Length;
            if (length < nextSample)
                return;
            Samples.Add(GC.GetTotalMemory(forceFullCollection: true));
            nextSample = length + sampleEveryBytes;
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) => WriteAsync(buffer.AsMemory(offset, count), ct).AsTask();
        public override void Flush() { }
        public override Task FlushAsync(CancellationToken ct) => Task.CompletedTask;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Position { get => length; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}

/// <summary>An <see cref="IProgress{T}"/> that reports on the caller's thread, in order (<see cref="Progress{T}"/> posts them).</summary>
public sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
