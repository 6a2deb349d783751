using System.Text.Json;
using OpsConsole.Domain;
using OpsConsole.Domain.Checkout;

namespace OpsConsole.Web.Api;

/// <summary>Why a batch body was refused before any rule was checked: the place (e.g. "[3].occurredAt"), if any, and the answer's status.</summary>
public sealed record BatchShapeError(string? Field, string Message, string Title, int Status = StatusCodes.Status400BadRequest,
    long? Line = null, long? Position = null);

/// <summary>
/// Reads a batch of checkout events straight off the bytes with <see cref="Utf8JsonReader"/>: one pass, no DOM,
/// no reflection (the ingest aims at tens of thousands of events a second on two cores), and every shape error
/// (unknown field, wrong type, missing field, a time without offset) named by its place in the array.
/// The rules on values (ranges, classes, clock skew) are the domain's: <see cref="CheckoutEventRules"/>.
/// </summary>
public static class CheckoutBatchParser
{
    [Flags]
    private enum Fields
    {
        None = 0, EventId = 1, OccurredAt = 2, Outcome = 4, ErrorClass = 8, ErrorCode = 16, LatencyMs = 32, Amount = 64, Currency = 128,
        Region = 256, Service = 512, Target = 1024,
    }

    private static readonly (Fields Field, string Name)[] Required =
        [(Fields.EventId, "eventId"), (Fields.OccurredAt, "occurredAt"), (Fields.Outcome, "outcome"), (Fields.LatencyMs, "latencyMs")];

    public static (List<CheckoutEvent>? Events, BatchShapeError? Error) Parse(ReadOnlySpan<byte> json, int maxEvents)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 4 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
                return (null, new BatchShapeError(null, "The body must be a JSON array of checkout events.", "Invalid request"));
            var events = new List<CheckoutEvent>(Math.Min(maxEvents, 1024));
            var repeats = new Repeats();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var index = events.Count;
                if (index >= maxEvents)
                    return (null, new BatchShapeError(null, $"A batch has at most {maxEvents} events.", "Batch too large",
                        StatusCodes.Status413PayloadTooLarge));
                if (reader.TokenType != JsonTokenType.StartObject)
                    return (null, new BatchShapeError($"[{index}]", $"'[{index}]' must be an object: one checkout event.", "Wrong type"));
                var (e, error) = ReadEvent(ref reader, index, repeats);
                if (error is not null)
                    return (null, error);
                events.Add(e!);
            }
            if (reader.Read())
                return (null, new BatchShapeError(null, "The body has content after the array.", "Malformed JSON"));
            if (events.Count == 0)
                return (null, new BatchShapeError(null, "The batch is empty: send at least one event.", "Invalid request"));
            return (events, null);
        }
        catch (InvalidOperationException)
        {
            // An escaped lone surrogate where no field is known yet (a field name, say).
            return (null, new BatchShapeError(null, "The body holds text that is not valid Unicode (a lone surrogate).", "Invalid text"));
        }
        catch (JsonException broken)
        {
            var line = (broken.LineNumber ?? 0) + 1;
            var position = (broken.BytePositionInLine ?? 0) + 1;
            return (null, new BatchShapeError(null, $"The body is not valid JSON: it breaks at line {line}, position {position}.", "Malformed JSON",
                Line: line, Position: position));
        }
    }

    private static (CheckoutEvent?, BatchShapeError?) ReadEvent(ref Utf8JsonReader reader, int index, Repeats repeats)
    {
        var seen = Fields.None;
        string? eventId = null, errorClass = null, errorCode = null, currency = null, region = null, service = null, target = null;
        DateTimeOffset occurredAt = default;
        CheckoutOutcome outcome = default;
        double latencyMs = 0;
        decimal? amount = null;

        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var field = FieldOf(ref reader);
            if (field == Fields.None)
            {
                var unknown = reader.GetString()!;
                return (null, new BatchShapeError($"[{index}].{unknown}", $"'{unknown}' is not a field of a checkout event.", "Unknown field"));
            }
            // Built only for an answer: on the happy path no field name is ever allocated.
            var place = new Place(index, field);
            if ((seen & field) != 0)
                return (null, new BatchShapeError(place.ToString(), $"'{place}' is given twice.", "Invalid request"));
            reader.Read();
            if (reader.TokenType == JsonTokenType.Null)
                continue; // null is the same as leaving an optional field out; a required one is then reported missing
            seen |= field;

            switch (field)
            {
                case Fields.LatencyMs:
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out latencyMs))
                        return (null, WrongType(place, "a number of milliseconds"));
                    break;
                case Fields.Amount:
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDecimal(out var value))
                        return (null, WrongType(place, "a number"));
                    amount = value;
                    break;
                default:
                    if (reader.TokenType != JsonTokenType.String)
                        return (null, WrongType(place, field == Fields.OccurredAt ? "an ISO 8601 time string with an offset" : "a string"));
                    try
                    {
                        switch (field)
                        {
                            case Fields.EventId: eventId = reader.GetString(); break;
                            case Fields.ErrorClass: errorClass = repeats.Get(ref reader, 0); break;
                            case Fields.ErrorCode: errorCode = repeats.Get(ref reader, 1); break;
                            case Fields.Currency: currency = repeats.Get(ref reader, 2); break;
                            case Fields.Region: region = repeats.Get(ref reader, 3); break;
                            case Fields.Service: service = repeats.Get(ref reader, 4); break;
                            case Fields.Target: target = repeats.Get(ref reader, 5); break;
                            case Fields.Outcome:
                                if (reader.ValueTextEquals("succeeded"u8))
                                    outcome = CheckoutOutcome.Succeeded;
                                else if (reader.ValueTextEquals("failed"u8))
                                    outcome = CheckoutOutcome.Failed;
                                else
                                    return (null, new BatchShapeError(place.ToString(), $"'{place}' is succeeded or failed.", "Invalid value"));
                                break;
                            case Fields.OccurredAt:
                                if (!reader.TryGetDateTimeOffset(out occurredAt) || !HasOffset(ref reader))
                                    return (null, new BatchShapeError(place.ToString(),
                                        $"'{place}' must be an ISO 8601 time with an offset, e.g. 2026-11-25T20:15:03.250Z or 2026-11-25T21:15:03+01:00.",
                                        "Invalid value"));
                                break;
                        }
                    }
                    catch (InvalidOperationException)
                    {
                        // The reader's "cannot read invalid UTF-16": an escaped lone surrogate such as \ud800.
                        return (null, new BatchShapeError(place.ToString(), $"'{place}' is not valid Unicode (a lone surrogate).", "Invalid text"));
                    }
                    break;
            }
        }

        foreach (var (field, name) in Required)
            if ((seen & field) == 0)
                return (null, new BatchShapeError($"[{index}].{name}", $"'[{index}].{name}' is missing.", "Missing field"));
        // PostgreSQL refuses NUL in text: refused here by name, never a 500 from the store.
        if ((Refused(eventId, index, Fields.EventId) ?? Refused(errorClass, index, Fields.ErrorClass) ?? Refused(errorCode, index, Fields.ErrorCode)
             ?? Refused(currency, index, Fields.Currency) ?? Refused(region, index, Fields.Region) ?? Refused(service, index, Fields.Service)
             ?? Refused(target, index, Fields.Target)) is { } refused)
            return (null, refused);
        return (new CheckoutEvent(eventId!, occurredAt, outcome, errorClass, errorCode, latencyMs, amount, currency, region, service ?? "checkout",
            target), null);
    }

    private static Fields FieldOf(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("eventId"u8) ? Fields.EventId
        : reader.ValueTextEquals("occurredAt"u8) ? Fields.OccurredAt
        : reader.ValueTextEquals("outcome"u8) ? Fields.Outcome
        : reader.ValueTextEquals("latencyMs"u8) ? Fields.LatencyMs
        : reader.ValueTextEquals("errorClass"u8) ? Fields.ErrorClass
        : reader.ValueTextEquals("errorCode"u8) ? Fields.ErrorCode
        : reader.ValueTextEquals("amount"u8) ? Fields.Amount
        : reader.ValueTextEquals("currency"u8) ? Fields.Currency
        : reader.ValueTextEquals("region"u8) ? Fields.Region
        : reader.ValueTextEquals("service"u8) ? Fields.Service
        : reader.ValueTextEquals("target"u8) ? Fields.Target
        : Fields.None;

    /// <summary>"Z" or ±hh:mm at the end: without one, the reader would take the time as the console's local time.</summary>
    private static bool HasOffset(ref Utf8JsonReader reader)
    {
        ReadOnlySpan<byte> text = reader.ValueIsEscaped ? System.Text.Encoding.UTF8.GetBytes(reader.GetString()!) : reader.ValueSpan;
        return text is [.., (byte)'Z' or (byte)'z'] || (text.Length >= 6 && text[^6] is (byte)'+' or (byte)'-' && text[^3] == (byte)':');
    }

    private static BatchShapeError? Refused(string? text, int index, Fields field) =>
        text is not null && TextRules.Problem(text, multiLine: false) is { } problem
            ? new BatchShapeError(new Place(index, field).ToString(), $"'{new Place(index, field)}' {problem}.", "Invalid text")
            : null;

    private static BatchShapeError WrongType(Place place, string expected) => new(place.ToString(), $"'{place}' must be {expected}.", "Wrong type");

    /// <summary>
    /// The last string seen per field: a batch mostly repeats its service, region, target and currency, so they are
    /// compared as bytes and allocated once rather than once per event.
    /// </summary>
    private sealed class Repeats
    {
        private readonly byte[]?[] bytes = new byte[]?[6];
        private readonly string?[] strings = new string?[6];

        public string Get(ref Utf8JsonReader reader, int slot)
        {
            if (!reader.ValueIsEscaped && bytes[slot] is { } known && reader.ValueSpan.SequenceEqual(known))
                return strings[slot]!;
            var text = reader.GetString()!;
            (strings[slot], bytes[slot]) = (text, reader.ValueIsEscaped ? null : reader.ValueSpan.ToArray());
            return text;
        }
    }

    private readonly record struct Place(int Index, Fields Field)
    {
        public override string ToString() => $"[{Index}].{JsonNamingPolicy.CamelCase.ConvertName(Field.ToString())}";
    }
}
