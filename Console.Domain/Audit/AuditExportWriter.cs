using System.Globalization;
using System.Text;
using System.Text.Json;
using CsvHelper;
using CsvHelper.Configuration;

namespace OpsConsole.Domain.Audit;

/// <summary>Writes audit entries as RFC 4180 CSV (safe to open in a spreadsheet) or as a JSON array, flushing as it goes so that large exports stream.</summary>
public static class AuditExportWriter
{
    public static readonly string[] CsvColumns = ["Sequence", "At", "Actor", "Action", "Subject", "Outcome", "Details", "Hash"];
    private const int FlushEvery = 500;
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>The characters that make a spreadsheet read a cell as a formula (or a formula's continuation).</summary>
    public static readonly char[] FormulaStarts = ['=', '+', '-', '@', '\t', '\r'];

    /// <summary>
    /// Actor names, subjects and details come from users: a cell that a spreadsheet would run as a formula
    /// (<c>=HYPERLINK(…)</c>) starts with a <c>'</c> instead, which spreadsheets show as text and do not print.
    /// </summary>
    private static readonly CsvConfiguration SafeCsv = new(CultureInfo.InvariantCulture)
    {
        InjectionOptions = InjectionOptions.Escape,
        InjectionCharacters = FormulaStarts,
        InjectionEscapeCharacter = '\'',
    };

    /// <summary>Microsecond precision, as the store keeps it, always in UTC.</summary>
    public static string IsoUtc(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    public static async Task<int> WriteCsvAsync(IAsyncEnumerable<AuditEntry> entries, Stream output, CancellationToken ct = default)
    {
        await using var text = new StreamWriter(output, Utf8NoBom, leaveOpen: true);
        await using var csv = new CsvWriter(text, SafeCsv, leaveOpen: true);
        foreach (var column in CsvColumns)
            csv.WriteField(column);
        await csv.NextRecordAsync();
        var written = 0;
        await foreach (var e in entries.WithCancellation(ct))
        {
            csv.WriteField(e.Sequence);
            csv.WriteField(IsoUtc(e.At));
            csv.WriteField(e.ActorName);
            csv.WriteField(e.Action);
            csv.WriteField(e.Subject);
            csv.WriteField(e.Outcome.ToString());
            csv.WriteField(e.Details);
            csv.WriteField(e.Hash);
            await csv.NextRecordAsync();
            if (++written % FlushEvery == 0)
                await csv.FlushAsync();
        }
        await csv.FlushAsync();
        await text.FlushAsync(ct);
        return written;
    }

    public static async Task<int> WriteJsonAsync(IAsyncEnumerable<AuditEntry> entries, Stream output, CancellationToken ct = default)
    {
        await using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = false });
        json.WriteStartArray();
        var written = 0;
        await foreach (var e in entries.WithCancellation(ct))
        {
            json.WriteStartObject();
            json.WriteNumber("sequence", e.Sequence);
            json.WriteString("at", IsoUtc(e.At));
            json.WriteString("actorId", e.ActorId);
            json.WriteString("actor", e.ActorName);
            json.WriteString("action", e.Action);
            json.WriteString("subject", e.Subject);
            json.WriteString("outcome", e.Outcome.ToString());
            // Details are already a JSON object: nested as one, not as an escaped string.
            json.WritePropertyName("details");
            json.WriteRawValue(e.Details);
            json.WriteString("previousHash", e.PreviousHash);
            json.WriteString("hash", e.Hash);
            json.WriteEndObject();
            if (++written % FlushEvery == 0)
                await json.FlushAsync(ct);
        }
        json.WriteEndArray();
        await json.FlushAsync(ct);
        return written;
    }
}
