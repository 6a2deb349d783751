using Npgsql;

namespace OpsConsole.Domain.DemoShop;

/// <summary>
/// The demo shop's tables in its target database, and every statement the shop runs, in one place. Plain
/// Npgsql, not EF: these tables belong to the target, not to the console store, and have no migrations.
/// </summary>
public static class ShopSchema
{
    /// <summary>Stock seeded per product; the shop restocks a product on the spot when it runs low.</summary>
    public const int InitialStock = 100_000;

    public const int RestockBelow = 1_000;

    private const string CreateTables = """
        SELECT pg_advisory_xact_lock(hashtext('opsconsole demo shop schema'));
        CREATE TABLE IF NOT EXISTS products (
            id           integer PRIMARY KEY,
            sku          text    NOT NULL UNIQUE,
            name         text    NOT NULL,
            price_cents  integer NOT NULL CHECK (price_cents > 0)
        );
        CREATE TABLE IF NOT EXISTS inventory (
            product_id   integer PRIMARY KEY REFERENCES products (id),
            quantity     integer NOT NULL CHECK (quantity >= 0),
            restocked_at timestamptz,
            updated_at   timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE IF NOT EXISTS orders (
            id           bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            customer_id  integer NOT NULL,
            region       text    NOT NULL,
            total_cents  integer NOT NULL,
            currency     char(3) NOT NULL,
            status       text    NOT NULL CHECK (status IN ('pending', 'paid')),
            created_at   timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX IF NOT EXISTS orders_created_at ON orders (created_at);
        CREATE TABLE IF NOT EXISTS order_items (
            order_id         bigint  NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
            line             integer NOT NULL,
            product_id       integer NOT NULL REFERENCES products (id),
            quantity         integer NOT NULL CHECK (quantity > 0),
            unit_price_cents integer NOT NULL,
            PRIMARY KEY (order_id, line)
        );
        CREATE TABLE IF NOT EXISTS payments (
            id                bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            order_id          bigint  NOT NULL UNIQUE REFERENCES orders (id) ON DELETE CASCADE,
            amount_cents      integer NOT NULL,
            currency          char(3) NOT NULL,
            gateway_reference text    NOT NULL,
            status            text    NOT NULL,
            created_at        timestamptz NOT NULL DEFAULT now()
        );
        """;

    private const string SeedProducts = """
        INSERT INTO products (id, sku, name, price_cents)
        SELECT i, 'SKU-' || lpad(i::text, 6, '0'), 'Product ' || i, 199 + (i * 7919) % 19800
        FROM generate_series(1, $1) AS i
        ON CONFLICT (id) DO NOTHING
        """;

    private const string SeedInventory = """
        INSERT INTO inventory (product_id, quantity)
        SELECT id, $1 FROM products
        ON CONFLICT (product_id) DO NOTHING
        """;

    /// <summary>
    /// Takes the row lock on one product's stock, as checkout services do. The warehouse "restocks" inside the
    /// same statement when stock runs low, so the demo never sells out without adding lock traffic of its own.
    /// </summary>
    internal const string Reserve = """
        UPDATE inventory
        SET quantity = CASE WHEN quantity - $2 < $3 THEN quantity + $4 ELSE quantity END - $2,
            restocked_at = CASE WHEN quantity - $2 < $3 THEN now() ELSE restocked_at END,
            updated_at = now()
        WHERE product_id = $1
        """;

    internal const string InsertOrder = """
        WITH new_order AS (
            INSERT INTO orders (customer_id, region, total_cents, currency, status)
            VALUES ($1, $2, $3, 'EUR', 'pending')
            RETURNING id),
        items AS (
            INSERT INTO order_items (order_id, line, product_id, quantity, unit_price_cents)
            SELECT new_order.id, item.line, item.product_id, item.quantity, item.price
            FROM new_order, unnest($4::integer[], $5::integer[], $6::integer[]) WITH ORDINALITY AS item (product_id, quantity, price, line))
        SELECT id FROM new_order
        """;

    internal const string CapturePayment = """
        WITH payment AS (
            INSERT INTO payments (order_id, amount_cents, currency, gateway_reference, status)
            VALUES ($1, $2, 'EUR', $3, 'captured'))
        UPDATE orders SET status = 'paid' WHERE id = $1
        """;

    internal const string Prices = "SELECT id, price_cents FROM products ORDER BY id";

    /// <summary>In batches, so that pruning never holds a long transaction next to the checkouts.</summary>
    internal const string PruneOrders = """
        DELETE FROM orders WHERE id IN (
            SELECT id FROM orders WHERE created_at < now() - $1::interval ORDER BY id LIMIT 5000)
        """;

    /// <summary>Creates the tables when missing and seeds the catalog up to <paramref name="products"/> products.</summary>
    public static async Task EnsureAsync(NpgsqlDataSource db, int products, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        // The DDL has no parameters, so Npgsql splits it into statements; the seeds take positional ones.
        await using (var create = new NpgsqlCommand(CreateTables, connection, transaction))
            await create.ExecuteNonQueryAsync(ct);
        await using (var seed = new NpgsqlBatch(connection, transaction)
            {
                BatchCommands = { new(SeedProducts) { Parameters = { new() { Value = products } } },
                    new(SeedInventory) { Parameters = { new() { Value = InitialStock } } } },
            })
            await seed.ExecuteNonQueryAsync(ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>Unit prices in cents, indexed by product id (index 0 unused).</summary>
    public static async Task<int[]> ReadPricesAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var command = db.CreateCommand(Prices);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var prices = new List<int> { 0 };
        while (await reader.ReadAsync(ct))
        {
            var id = reader.GetInt32(0);
            while (prices.Count < id)
                prices.Add(0);
            prices.Add(reader.GetInt32(1));
        }
        return [.. prices];
    }

    /// <summary>Deletes old orders (their items and payments cascade); returns how many went.</summary>
    public static async Task<int> PruneAsync(NpgsqlDataSource db, TimeSpan olderThan, CancellationToken ct)
    {
        var total = 0;
        int deleted;
        do
        {
            await using var command = db.CreateCommand(PruneOrders);
            command.Parameters.Add(new() { Value = olderThan });
            deleted = await command.ExecuteNonQueryAsync(ct);
            total += deleted;
        } while (deleted > 0 && !ct.IsCancellationRequested);
        return total;
    }
}
