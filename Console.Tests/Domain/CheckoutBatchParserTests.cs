using System.Text;
using OpsConsole.Domain.Checkout;
using OpsConsole.Web.Api;

namespace OpsConsole.Tests.Domain;

/// <summary>The ingest's reader on its own: bytes in, events or the one shape error that names its place out.</summary>
public sealed class CheckoutBatchParserTests
{
    private const string Minimal = """{"eventId":"e-1","occurredAt":"2026-11-25T20:15:03.250Z","outcome":"succeeded","latencyMs":12.5}""";

    private static (List<CheckoutEvent>? Events, BatchShapeError? Error) Parse(string json, int maxEvents = 500) =>
        CheckoutBatchParser.Parse(Encoding.UTF8.GetBytes(json), maxEvents);

    private static BatchShapeError Refused(string json, int maxEvents = 500)
    {
        var (events, error) = Parse(json, maxEvents);
        Assert.Null(events);
        return Assert.IsType<BatchShapeError>(error);
    }

    [Fact]
    public void EveryField_IsReadIntoTheEvent()
    {
        var (events, error) = Parse("""
            [{"eventId":"e-1","occurredAt":"2026-11-25T21:15:03.250+01:00","outcome":"failed","errorClass":"db_deadlock","errorCode":"40P01",
              "latencyMs":812.25,"amount":19.99,"currency":"EUR","region":"eu-west","service":"checkout-eu","target":"shop"}]
            """);

        Assert.Null(error);
        var e = Assert.Single(events!);
        Assert.Equal(new CheckoutEvent("e-1", new DateTimeOffset(2026, 11, 25, 21, 15, 3, 250, TimeSpan.FromHours(1)), CheckoutOutcome.Failed,
            "db_deadlock", "40P01", 812.25, 19.99m, "EUR", "eu-west", "checkout-eu", "shop"), e);
        Assert.Equal(TimeSpan.FromHours(1), e.OccurredAt.Offset);
    }

    [Fact]
    public void OptionalFieldsLeftOutOrNull_TakeTheirDefaults()
    {
        var (events, error) = Parse($$"""[{{Minimal}}, {"eventId":"e-2","occurredAt":"2026-11-25T20:15:04Z","outcome":"succeeded","latencyMs":0,"service":null,"amount":null}]""");

        Assert.Null(error);
        Assert.Equal(2, events!.Count);
        Assert.All(events, e =>
        {
            Assert.Equal("checkout", e.Service);
            Assert.Null(e.Amount);
            Assert.Null(e.ErrorClass);
        });
        Assert.Equal(["e-1", "e-2"], events.Select(e => e.EventId));
    }

    [Fact]
    public void RepeatedServiceNames_AreReadAsTheSameText_WhetherEscapedOrNot()
    {
        var (events, _) = Parse($$"""
            [{"eventId":"a","occurredAt":"2026-11-25T20:15:03Z","outcome":"succeeded","latencyMs":1,"service":"shop-a"},
             {"eventId":"b","occurredAt":"2026-11-25T20:15:03Z","outcome":"succeeded","latencyMs":1,"service":"shop-a"},
             {"eventId":"c","occurredAt":"2026-11-25T20:15:03Z","outcome":"succeeded","latencyMs":1,"service":"shop-\u0062"},
             {"eventId":"d","occurredAt":"2026-11-25T20:15:03Z","outcome":"succeeded","latencyMs":1,"service":"shop-a"}]
            """);

        Assert.Equal(["shop-a", "shop-a", "shop-b", "shop-a"], events!.Select(e => e.Service));
    }

    [Theory]
    [InlineData("{}", "The body must be a JSON array of checkout events.", "Invalid request")]
    [InlineData("[]", "The batch is empty: send at least one event.", "Invalid request")]
    [InlineData("[1]", "'[0]' must be an object: one checkout event.", "Wrong type")]
    public void ABodyOfTheWrongShape_IsRefusedAsAWhole(string json, string message, string title)
    {
        var error = Refused(json);

        Assert.Equal((message, title, 400), (error.Message, error.Title, error.Status));
    }

    [Fact]
    public void ASecondValueAfterTheArray_IsRefusedAsMalformed()
    {
        var error = Refused($"[{Minimal}] []");

        Assert.Equal(("Malformed JSON", 400), (error.Title, error.Status));
        Assert.StartsWith("The body is not valid JSON: it breaks at line 1", error.Message);
    }

    [Fact]
    public void BrokenJson_IsRefusedWithItsLineAndPosition()
    {
        var error = Refused("[\n  {\"eventId\": }]");

        Assert.Equal("Malformed JSON", error.Title);
        Assert.Equal((2L, 15L), (error.Line, error.Position));
        Assert.Equal("The body is not valid JSON: it breaks at line 2, position 15.", error.Message);
    }

    [Fact]
    public void MoreEventsThanTheLimit_AreRefusedAsTooLarge()
    {
        var error = Refused($"[{Minimal},{Minimal},{Minimal}]", maxEvents: 2);

        Assert.Equal((413, "Batch too large", "A batch has at most 2 events."), (error.Status, error.Title, error.Message));
    }

    [Theory]
    [InlineData("""{"eventId":"e-9","occurredAt":"2026-11-25T20:15:03Z","outcome":"succeeded","latencyMs":1,"colour":"red"}""",
        "[1].colour", "'colour' is not a field of a checkout event.", "Unknown field")]
    [InlineData("""{"eventId":"e-9","occurredAt":"2026-11-25T20:15:03Z","outcome":"succeeded","latencyMs":"fast"}""",
        "[1].latencyMs", "'[1].latencyMs' must be a number of milliseconds.", "Wrong type")]
    [InlineData("""{"eventId":"e-9","occurredAt":"2026-11-25T20:15:03Z","outcome":"succeeded","latencyMs":1,"amount":"12"}""",
        "[1].amount", "'[1].amount' must be a number.", "Wrong type")]
    [InlineData("""{"eventId":42,"occurredAt":"2026-11-25T20:15:03Z","outcome":"succeeded","latencyMs":1}""",
        "[1].eventId", "'[1].eventId' must be a string.", "Wrong type")]
    [InlineData("""{"eventId":"e-9","occurredAt":1764101703,"outcome":"succeeded","latencyMs":1}""",
        "[1].occurredAt", "'[1].occurredAt' must be an ISO 8601 time string with an offset.", "Wrong type")]
    [InlineData("""{"eventId":"e-9","occurredAt":"2026-11-25T20:15:03Z","outcome":"maybe","latencyMs":1}""",
        "[1].outcome", "'[1].outcome' is succeeded or failed.", "Invalid value")]
    [InlineData("""{"eventId":"e-9","eventId":"e-10","occurredAt":"2026-11-25T20:15:03Z","outcome":"succeeded","latencyMs":1}""",
        "[1].eventId", "'[1].eventId' is given twice.", "Invalid request")]
    [InlineData("""{"eventId":"e-9","occurredAt":"2026-11-25T20:15:03Z","latencyMs":1}""",
        "[1].outcome", "'[1].outcome' is missing.", "Missing field")]
    [InlineData("""{"eventId":"e-9","occurredAt":"2026-11-25T20:15:03Z","outcome":"succeeded","latencyMs":null}""",
        "[1].latencyMs", "'[1].latencyMs' is missing.", "Missing field")]
    [InlineData("""{"eventId":"e-9","occurredAt":"2026-11-25T20:15:03Z","outcome":"succeeded","latencyMs":1,"errorCode":"\ud800"}""",
        "[1].errorCode", "'[1].errorCode' is not valid Unicode (a lone surrogate).", "Invalid text")]
    [InlineData("""{"eventId":"e-\u0000","occurredAt":"2026-11-25T20:15:03Z","outcome":"succeeded","latencyMs":1}""",
        "[1].eventId", "'[1].eventId' holds a NUL character (\\u0000).", "Invalid text")]
    public void AFaultyEvent_IsRefusedByItsPlaceInTheArray(string second, string field, string message, string title)
    {
        var error = Refused($"[{Minimal},{second}]");

        Assert.Equal((field, message, title, 400), (error.Field, error.Message, error.Title, error.Status));
    }

    [Theory]
    [InlineData("2026-11-25T20:15:03")]
    [InlineData("2026-11-25T20:15:03.250")]
    [InlineData("25/11/2026 20:15")]
    public void ATimeWithoutAnOffset_IsRefused_RatherThanReadAsTheConsolesLocalTime(string occurredAt)
    {
        var error = Refused($$"""[{"eventId":"e-1","occurredAt":"{{occurredAt}}","outcome":"succeeded","latencyMs":1}]""");

        Assert.Equal(("[0].occurredAt", "Invalid value"), (error.Field, error.Title));
        Assert.StartsWith("'[0].occurredAt' must be an ISO 8601 time with an offset", error.Message);
    }

    [Theory]
    [InlineData("2026-11-25T20:15:03Z", 0)]
    [InlineData("2026-11-25T15:15:03-05:00", -5)]
    [InlineData("2026-11-25T20:15:03\\u002B01:00", 1)]
    public void TimesWithAnOffset_KeepIt(string occurredAt, int offsetHours)
    {
        var (events, error) = Parse($$"""[{"eventId":"e-1","occurredAt":"{{occurredAt}}","outcome":"succeeded","latencyMs":1}]""");

        Assert.Null(error);
        Assert.Equal(TimeSpan.FromHours(offsetHours), Assert.Single(events!).OccurredAt.Offset);
    }

    [Fact]
    public void ALoneSurrogateInAFieldName_IsRefusedAsInvalidText()
    {
        var error = Refused($$"""[{{Minimal}},{"\ud800":"x"}]""");

        Assert.Equal(("Invalid text", 400), (error.Title, error.Status));
        Assert.Null(error.Field);
    }
}
