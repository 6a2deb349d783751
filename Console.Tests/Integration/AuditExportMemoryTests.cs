using OpsConsole.Domain.Audit;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>
/// An export streams: the managed heap it keeps alive does not grow with the entries it writes. It measures the whole
/// process's live heap, so it runs alone (<see cref="QuietCollection"/>), and its bound is loose both ways: streamed, the
/// export holds a few buffers; read whole first, it would hold more than the file's own size.
/// </summary>
[Collection(QuietCollection.Name)]
public sealed class AuditExportMemoryTests(PostgresClusterFixture postgres)
{
    private const int Entries = 40_000;

    [Theory]
    [InlineData(AuditExportFormat.Csv)]
    [InlineData(AuditExportFormat.Json)]
    public async Task ExportingManyEntries_KeepsTheLiveHeapFarBelowTheFilesSize(AuditExportFormat format)
    {
        var ct = TestContext.Current.CancellationToken;
        var store = await postgres.CreateStoreAsync($"auditexport-{format}");
        await AuditChainSeed.AppendAsync(postgres.AsOwner(store), Entries, ct);

        var export = await AuditStores.MeasureExportAsync(AuditStores.QueriesOf(store), format, ct, sampleEveryBytes: 512 * 1024);

        Assert.Equal(Entries, export.Rows);
        Assert.True(export.Samples.Count >= 8, $"{export.Samples.Count} heap samples over {export.Bytes} bytes");
        Assert.True(export.LiveHeapGrowthBytes < export.Bytes / 2,
            $"The live heap grew by {export.LiveHeapGrowthBytes:N0} bytes while exporting {export.Bytes:N0} (samples: {string.Join(", ", export.Samples)})");
    }
}
