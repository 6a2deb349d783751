using OpsConsole.Domain.Checkout;
using OpsConsole.Domain.Rehearsals;
using OpsConsole.Domain.Rehearsals.Workloads;

namespace OpsConsole.Tests.Domain;

/// <summary>
/// pgbench 15's per-transaction log and progress lines, as pgbench 15.18 wrote them (captured from real runs: weighted
/// scripts under -R, --max-tries 1 and 3, with and without --failures-detailed, two scripts deadlocking each other).
/// </summary>
public sealed class PgbenchLogTests
{
    // time_epoch 1795953808.000000, a second before the first line ended.
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1795953808);

    [Fact]
    public void Parse_ACommittedTransaction_GivesItsClientScriptLatencyAndEndSinceTheStart()
    {
        // --max-tries 3 under -R: schedule_lag (114 µs) and retries (0) follow.
        var t = Assert.Single(PgbenchLog.Parse(["0 1 10120 0 1795953808 764966 114 0"], Start));

        Assert.Equal(new PgbenchTransaction(0, 0, TimeSpan.FromTicks(7_649_660), 10.12, null), t);
    }

    [Fact]
    public void Parse_FailuresDetailed_ClassesSerializationAndDeadlock_WithoutALatency()
    {
        // --max-tries 1: schedule_lag only.
        string[] lines =
        [
            "0 1 deadlock 3 1795953809 938612 0",
            "3 7 serialization 4 1795953810 44658 0",
            "2 1 1754 4 1795953809 941253 81",
        ];

        var parsed = PgbenchLog.Parse(lines, Start).ToList();

        Assert.Equal([ErrorClasses.DbDeadlock, ErrorClasses.DbSerialization, null], parsed.Select(t => t.ErrorClass));
        Assert.Equal([null, null, 1.754], parsed.Select(t => t.LatencyMs));
        Assert.Equal([3, 4, 4], parsed.Select(t => t.Script));
        Assert.Equal(TimeSpan.FromSeconds(1.938612), parsed[0].EndedAt);
    }

    [Fact]
    public void Parse_AFailureWithoutDetails_IsClassedOther()
    {
        var t = Assert.Single(PgbenchLog.Parse(["1 1 failed 1 1795953808 301224 0"], Start));

        Assert.Equal((ErrorClasses.Other, (double?)null, 1), (t.ErrorClass, t.LatencyMs, t.Script));
    }

    [Fact]
    public void Parse_ARetriedTransaction_CountsOnce_WithItsWholeLatency()
    {
        // Retried once (the last field) after a deadlock; 3.008 s including the deadlock_timeout it waited.
        var t = Assert.Single(PgbenchLog.Parse(["0 8 3008248 2 1795953812 596761 131 1"], Start));

        Assert.Equal((3008.248, (string?)null), (t.LatencyMs, t.ErrorClass));
    }

    [Fact]
    public void Parse_SkippedTransactions_AreNotTransactionsOfTheRun()
    {
        Assert.Empty(PgbenchLog.Parse(["0 4 skipped 0 1795953809 100000 1500"], Start));
    }

    [Theory]
    [InlineData("0 1 10120 0 1795953808")]
    [InlineData("x 1 10120 0 1795953808 764966 114 0")]
    [InlineData("0 1 later 0 1795953808 764966 114 0")]
    public void Parse_ALineNotInPgbench15sFormat_IsRefusedNamingIt(string line)
    {
        var refused = Assert.Throws<InvalidDataException>(() => PgbenchLog.Parse(["", line], Start).ToList());

        Assert.Contains("Line 2", refused.Message);
    }

    [Fact]
    public void Measure_OfALog_AddsUp_FailuresInTheCountsButNotInTheLatencies()
    {
        string[] lines =
        [
            "0 1 10120 0 1795953808 764966 114 0",
            "1 1 7506 3 1795953808 772906 72 0",
            "0 2 deadlock 3 1795953809 938612 0",
            "2 8 4736665 2 1795953814 649010 629463 1",
        ];
        var checkouts = PgbenchLog.Parse(lines, Start).Select(t => t.ToCheckout()).ToList();

        var figures = RunFigures.Measure(Start, TimeSpan.FromSeconds(7), checkouts, deadlocks: 1, TimeSpan.FromSeconds(1));

        Assert.Equal((4L, 3L, 1L), (figures.Attempted, figures.Succeeded, figures.FailuresByClass[ErrorClasses.DbDeadlock]));
        // The three measured latencies only: 7.506, 10.12 and 4736.665 ms.
        Assert.Equal((10.12, 4736.665, 4736.665), (figures.P50Ms, figures.P95Ms, figures.P99Ms));
        Assert.Equal(figures.Attempted, figures.Series.Sum(s => s.Attempts));
        Assert.Equal(figures.Failed, figures.Series.Sum(s => s.Failures));
        Assert.Equal([0, 1, 6], figures.Series.Where(s => s.Attempts > 0).Select(s => s.Second));
    }

    [Fact]
    public void Progress_CountsCommittedAndFailedTransactionsPerInterval_AndIgnoresOtherLines()
    {
        var progress = new PgbenchProgress();

        Assert.True(progress.Take("progress: 1.0 s, 5.0 tps, lat 1.243 ms stddev 0.329, 0 failed, lag 0.102 ms"));
        Assert.True(progress.Take("progress: 2.0 s, 6.0 tps, lat 920.296 ms stddev 71.138, 1 failed, lag 581.644 ms"));
        Assert.True(progress.Take("progress: 4.0 s, 5.0 tps, lat 2668.165 ms stddev 172.605, 2 failed, lag 2064.879 ms, 1 retried, 1 retries"));
        Assert.False(progress.Take("pgbench: error: client 1 script 0 aborted in command 0 query 0: ERROR:  syntax error at or near \"SELEC\""));

        var (attempted, failed, last) = progress.Totals();
        Assert.Equal((5 + 7 + 12L, 3L), (attempted, failed));
        Assert.Equal(new RunSecond(3, 12, 2, null), last);
    }
}
