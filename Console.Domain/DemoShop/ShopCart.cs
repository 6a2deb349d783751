namespace OpsConsole.Domain.DemoShop;

public sealed record CartItem(int ProductId, int Quantity, int UnitPriceCents);

/// <summary>
/// One shopper's cart, items in the order the shopper added them. Checkouts lock stock in this order, not
/// sorted: two carts holding the same best-sellers in opposite orders can deadlock, as in the real outage.
/// </summary>
public sealed record ShopCart(int CustomerId, string Region, IReadOnlyList<CartItem> Items)
{
    public static readonly IReadOnlyList<string> Regions = ["eu-west", "eu-central", "eu-north", "us-east"];

    public int TotalCents => Items.Sum(i => i.Quantity * i.UnitPriceCents);

    /// <summary>
    /// A random cart: each item is a best-seller (products 1..HotProducts) with probability HotShare, else any
    /// other product; no product twice. <paramref name="prices"/> is indexed by product id.
    /// </summary>
    public static ShopCart Pick(DemoShopOptions o, IReadOnlyList<int> prices, Random random)
    {
        var catalog = Math.Min(o.Products, prices.Count - 1);
        var hot = Math.Min(o.HotProducts, catalog);
        var size = Math.Min(random.Next(o.CartSizeMin, o.CartSizeMax + 1), catalog);
        var items = new List<CartItem>(size);
        // Bounded tries: with HotShare 1 a cart larger than the best-seller list ends up smaller instead of spinning.
        for (var tries = 0; items.Count < size && tries < size * 20; tries++)
        {
            var product = hot < catalog && random.NextDouble() >= o.HotShare ? random.Next(hot + 1, catalog + 1) : random.Next(1, hot + 1);
            if (items.All(i => i.ProductId != product))
                items.Add(new CartItem(product, random.Next(1, 4), prices[product]));
        }
        return new ShopCart(random.Next(1, 1_000_000), Regions[random.Next(Regions.Count)], items);
    }
}
