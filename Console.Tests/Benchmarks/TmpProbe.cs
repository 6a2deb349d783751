using System.Diagnostics;
using OpsConsole.Domain.Checkout;
using OpsConsole.Tests.Support;
using OpsConsole.Web.Api;

namespace OpsConsole.Tests.Benchmarks;

[Trait("Category", "Probe")]
[Collection(BenchmarkCollection.Name)]
public sealed class TmpProbe(ConsoleAppFixture fixture, ITestOutputHelper output) : IClassFixture<ConsoleAppFixture>
{
    [Fact]
    public async Task Probe()
    {
        var now = DateTimeOffset.UtcNow;
        var body = System.Text.Encoding.UTF8.GetBytes(CheckoutBatches.Json("probe", 500));
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < 200; i++) CheckoutBatchParser.Parse(body, 5000);
        output.WriteLine($"parse: {sw.Elapsed.TotalMilliseconds / 200:0.000} ms/batch");
        sw.Restart();
        for (var i = 0; i < 200; i++) { var h = LatencyHistograms.New(); }
        output.WriteLine($"new: {sw.Elapsed.TotalMilliseconds / 200:0.000} ms");
        var hh = LatencyHistograms.New(); for (var j = 0; j < 500; j++) LatencyHistograms.Record(hh, j);
        sw.Restart();
        for (var i = 0; i < 200; i++) { LatencyHistograms.Encode(hh); }
        output.WriteLine($"encode: {sw.Elapsed.TotalMilliseconds / 200:0.000} ms");
        var enc = LatencyHistograms.Encode(hh);
        output.WriteLine($"encoded bytes: {enc.Length}");
        sw.Restart();
        for (var i = 0; i < 200; i++) { LatencyHistograms.Decode(enc); }
        output.WriteLine($"decode: {sw.Elapsed.TotalMilliseconds / 200:0.000} ms");
        sw.Restart();
        for (var i = 0; i < 200; i++) { var t = new CheckoutTally(); for (var j = 0; j < 500; j++) LatencyHistograms.Record(t.Latency, j); LatencyHistograms.Encode(t.Latency); }
        output.WriteLine($"tally+encode: {sw.Elapsed.TotalMilliseconds / 200:0.000} ms/batch");
        var ingest = fixture.App.Service<CheckoutIngest>();
        sw.Restart();
        var n = 0;
        while (sw.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => ingest.IngestAsync(Enumerable.Range(0, 500).Select(i => new CheckoutEvent($"p-{Guid.NewGuid():N}", now, CheckoutOutcome.Succeeded, null, null, 10 + i, 10m, "EUR", "eu", "probe", "shop")).ToList(), default)));
            n += 2000;
        }
        output.WriteLine($"{System.Environment.ProcessorCount} direct ingest: {n / sw.Elapsed.TotalSeconds:0} events/s");
    }
}
