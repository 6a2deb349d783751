using Microsoft.Extensions.Time.Testing;
using Npgsql;
using OpsConsole.Domain.Checkout;
using OpsConsole.Domain.DemoShop;

namespace OpsConsole.Tests.Domain;

/// <summary>The demo shop's pure parts: how failures are classified, how carts are picked, when peaks are.</summary>
public sealed class DemoShopRulesTests
{
    [Theory]
    [InlineData("40P01", ErrorClasses.DbDeadlock)]
    [InlineData("55P03", ErrorClasses.DbLockTimeout)]
    [InlineData("40001", ErrorClasses.DbSerialization)]
    [InlineData("57014", ErrorClasses.DbConnectionTimeout)]
    [InlineData("23505", ErrorClasses.Other)]
    public void AServerError_IsClassifiedByItsSqlState(string sqlState, string errorClass)
    {
        var failure = new PostgresException("boom", "ERROR", "ERROR", sqlState);

        Assert.Equal((errorClass, sqlState), CheckoutFailures.Classify(failure));
    }

    [Fact]
    public void TheDriversCommandTimeout_IsAConnectionTimeout()
    {
        var failure = new NpgsqlException("Exception while reading from stream", new TimeoutException("Timeout during reading attempt"));

        Assert.Equal((ErrorClasses.DbConnectionTimeout, "57014"), CheckoutFailures.Classify(failure));
    }

    [Fact]
    public void AnExhaustedPool_IsAConnectionTimeout()
    {
        var failure = new ShopConnectException(new NpgsqlException("The connection pool has been exhausted, either raise 'Max Pool Size'", new TimeoutException()));

        Assert.Equal((ErrorClasses.DbConnectionTimeout, "pool_exhausted"), CheckoutFailures.Classify(failure));
    }

    [Fact]
    public void ARefusedConnection_IsOther()
    {
        var failure = new ShopConnectException(new NpgsqlException("Failed to connect", new System.Net.Sockets.SocketException(111)));

        Assert.Equal((ErrorClasses.Other, "08001"), CheckoutFailures.Classify(failure));
    }

    [Fact]
    public void ADeclinedCard_IsAPaymentGatewayFailure_Coded402()
    {
        Assert.Equal((ErrorClasses.PaymentGateway, "402"), CheckoutFailures.Classify(new PaymentDeclinedException()));
    }

    [Fact]
    public void Carts_HaveTheConfiguredSize_NoProductTwice_AndBestSellersInEveryOrder()
    {
        var options = new DemoShopOptions { Products = 100, HotProducts = 3, HotShare = 1, CartSizeMin = 2, CartSizeMax = 3 };
        var prices = Enumerable.Range(0, 101).Select(i => 100 + i).ToArray();
        var random = new Random(7);

        var carts = Enumerable.Range(0, 500).Select(_ => ShopCart.Pick(options, prices, random)).ToList();

        Assert.All(carts, cart =>
        {
            Assert.InRange(cart.Items.Count, 2, 3);
            Assert.Equal(cart.Items.Count, cart.Items.Select(i => i.ProductId).Distinct().Count());
            Assert.All(cart.Items, i => Assert.InRange(i.ProductId, 1, 3));
            Assert.All(cart.Items, i => Assert.Equal(100 + i.ProductId, i.UnitPriceCents));
        });
        // Unsorted: carts hold the same best-sellers in opposite orders, which is what lets checkouts deadlock.
        Assert.Contains(carts, c => c.Items[0].ProductId < c.Items[1].ProductId);
        Assert.Contains(carts, c => c.Items[0].ProductId > c.Items[1].ProductId);
    }

    [Fact]
    public void WithoutBestSellerShare_CartsTakeTheRestOfTheCatalog()
    {
        var options = new DemoShopOptions { Products = 50, HotProducts = 5, HotShare = 0 };
        var prices = Enumerable.Repeat(500, 51).ToArray();

        var carts = Enumerable.Range(0, 200).Select(_ => ShopCart.Pick(options, prices, new Random(3))).ToList();

        Assert.All(carts.SelectMany(c => c.Items), i => Assert.InRange(i.ProductId, 6, 50));
    }

    [Fact]
    public void PeaksStartOnTheClock_AndMultiplyTheRate()
    {
        var options = new DemoShopOptions { RatePerSecond = 4, PeakEvery = TimeSpan.FromMinutes(10), PeakDuration = TimeSpan.FromMinutes(1), PeakFactor = 5 };

        Assert.Equal((20.0, true), options.RateAt(new DateTimeOffset(2024, 5, 3, 14, 10, 30, TimeSpan.Zero)));
        Assert.Equal((4.0, false), options.RateAt(new DateTimeOffset(2024, 5, 3, 14, 11, 30, TimeSpan.Zero)));
        options.PeakFactor = 1;
        Assert.Equal((4.0, false), options.RateAt(new DateTimeOffset(2024, 5, 3, 14, 10, 30, TimeSpan.Zero)));
    }

    [Fact]
    public void TheDefaults_AreWithinTheirOwnRanges()
    {
        Assert.Null(DemoShopRules.Problem(new DemoShopOptions()));
    }

    [Fact]
    public void TheOldestAttemptInFlight_IsTheEarliestNotEnded_AndNoneOnceAllHaveEnded()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
        var counters = new DemoShopCounters(time);
        var first = counters.AttemptStarted();
        time.Advance(TimeSpan.FromSeconds(2));
        var second = counters.AttemptStarted();
        time.Advance(TimeSpan.FromSeconds(2));
        var third = counters.AttemptStarted();

        Assert.Equal((3, time.Start), (counters.Snapshot().InFlight, counters.Snapshot().OldestInFlightSince));
        counters.AttemptEnded(first);
        Assert.Equal((2, time.Start.AddSeconds(2)), (counters.Snapshot().InFlight, counters.Snapshot().OldestInFlightSince));
        counters.AttemptEnded(third);
        counters.AttemptEnded(second);
        Assert.Equal((0, (DateTimeOffset?)null), (counters.Snapshot().InFlight, counters.Snapshot().OldestInFlightSince));
    }
}
