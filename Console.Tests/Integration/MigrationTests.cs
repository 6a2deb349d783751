using Microsoft.EntityFrameworkCore;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

public sealed class MigrationTests(PostgresClusterFixture postgres)
{
    [Fact]
    public async Task Migrations_ApplyToAnEmptyDatabase()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = PostgresClusterFixture.ContextFor(await postgres.CreateEmptyDatabaseAsync("migrate"));
        Assert.NotEmpty(await db.Database.GetPendingMigrationsAsync(ct));

        await db.Database.MigrateAsync(ct);

        Assert.Empty(await db.Database.GetPendingMigrationsAsync(ct));
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync(ct));
        Assert.Equal(0, await db.Users.CountAsync(ct));
        Assert.Equal(0, await db.AuditEntries.CountAsync(ct));
    }

    [Fact]
    public async Task CommittedMigrations_MatchTheModel()
    {
        await using var db = PostgresClusterFixture.ContextFor(await postgres.CreateStoreAsync("model"));

        Assert.False(db.Database.HasPendingModelChanges(), "the model changed without a migration: run dotnet ef migrations add");
    }
}
