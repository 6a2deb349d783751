using Npgsql;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Users;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>The console runs as a role that owns nothing: it can add to the audit trail, never rewrite it.</summary>
public sealed class StoreRolesTests(PostgresClusterFixture postgres)
{
    public static TheoryData<string> Tampering => new()
    {
        "ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only",
        "ALTER TABLE audit_entries DISABLE TRIGGER ALL",
        "UPDATE audit_entries SET \"ActorName\" = 'mallory'",
        "DELETE FROM audit_entries",
        "TRUNCATE audit_entries",
        "UPDATE audit_chain_head SET last_sequence = 0",
        "INSERT INTO audit_chain_head VALUES (2, 0, '')",
        "DELETE FROM audit_chain_head",
        "TRUNCATE audit_chain_head",
        "SELECT * FROM audit_chain_head FOR UPDATE",
        "SELECT * FROM audit_chain_head",
        "ALTER FUNCTION audit_entries_chain() SECURITY INVOKER",
        "CREATE OR REPLACE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$",
        "DROP TRIGGER audit_entries_append_only ON audit_entries",
        "CREATE TABLE audit_entries_copy (id int)",
        "INSERT INTO \"__EFMigrationsHistory\" VALUES ('29991231000000_Forged', '10.0.0')",
    };

    [Theory]
    [MemberData(nameof(Tampering))]
    public async Task AsTheRuntimeRole_TamperingWithTheAuditTrail_IsRefused(string sql)
    {
        var store = await postgres.CreateStoreAsync("tamper_runtime");
        await WriteAsync(store, "test.before_tampering");

        var refusal = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(store, sql));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refusal.SqlState);
        var chain = await new AuditChain(new StoreFactory(store), new AuditCheckpointSigner(Microsoft.Extensions.Options.Options.Create(new AuditOptions()))).VerifyAsync(TestContext.Current.CancellationToken);
        Assert.True(chain.Intact, chain.Message);
        Assert.Equal(1, chain.Entries);
    }

    [Fact]
    public async Task TheConsole_RunsAsTheRuntimeRole_AndAnAuditedActionStillChains()
    {
        var store = await postgres.CreateStoreAsync("runtime_audited");
        await using var app = new ConsoleApp(store);
        _ = app.BaseUrl;

        await app.Service<UserAdministration>().CreateAsync(Actor.System, new NewUser("rita", "Rita", "Runtime-Passw0rd!", [Roles.Viewer]));

        await using var connection = new NpgsqlConnection(store);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        Assert.Equal(PostgresClusterFixture.RuntimeRole, await ScalarAsync<string>(connection, "SELECT current_user"));
        Assert.Equal(0L, await ScalarAsync<long>(connection, """
            SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND pg_has_role(current_user, c.relowner, 'MEMBER')
            """));
        Assert.Equal(1L, await ScalarAsync<long>(connection, "SELECT count(*) FROM audit_entries WHERE \"Action\" = 'user.created' AND \"Subject\" = 'user:rita'"));
        Assert.Equal(await ScalarAsync<long>(connection, "SELECT max(\"Sequence\") FROM audit_entries"),
            await ScalarAsync<long>(connection, "SELECT last_sequence FROM audit_chain_head_read()"));
        var chain = await app.Service<AuditChain>().VerifyAsync(TestContext.Current.CancellationToken);
        Assert.True(chain.Intact, chain.Message);
    }

    [Fact]
    public async Task ATableThatALaterMigrationAdds_IsUsableByTheRuntimeRole_WithoutNewGrants()
    {
        var store = await postgres.CreateStoreAsync("later_table");
        await ExecuteAsync(postgres.AsOwner(store), "CREATE TABLE added_later (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, note text)");

        await ExecuteAsync(store, """
            INSERT INTO added_later (note) VALUES ('a'), ('b');
            UPDATE added_later SET note = 'c' WHERE note = 'a';
            DELETE FROM added_later WHERE note = 'b';
            """);

        await using var connection = new NpgsqlConnection(store);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        Assert.Equal("c", await ScalarAsync<string>(connection, "SELECT string_agg(note, ',') FROM added_later"));
    }

    [Fact]
    public async Task ANewStore_IsMigratedByTheOwner_AndTheRuntimeRoleGetsItsGrants()
    {
        var store = await postgres.CreateUnmigratedStoreAsync("new_store");
        await using (var app = new ConsoleApp(store))
        {
            _ = app.BaseUrl;
            await app.CreateUserAsync("nina", "Runtime-Passw0rd!", Roles.Viewer);
        }

        await using var connection = new NpgsqlConnection(store);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        Assert.Equal(PostgresClusterFixture.OwnerRole, await ScalarAsync<string>(connection, "SELECT tableowner::text FROM pg_tables WHERE tablename = 'audit_entries'"));
        Assert.Equal(1L, await ScalarAsync<long>(connection, "SELECT count(*) FROM \"AspNetUsers\" WHERE \"UserName\" = 'nina'"));
        await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(store, "DELETE FROM audit_entries"));
    }

    [Fact]
    public async Task WithTheOwnersConnectionStringOnly_TheLogSaysSeparationOfPowersIsOff()
    {
        var store = await postgres.CreateStoreAsync("one_role");
        await using var app = new ConsoleApp(postgres.AsOwner(store));
        _ = app.BaseUrl;

        var log = await Poll.UntilAsync(() => Task.FromResult(ReadLogs(app)), text => text.Contains("Separation of powers is off"),
            TimeSpan.FromSeconds(10), "the warning in the log");
        Assert.Contains(PostgresClusterFixture.OwnerRole, log);
    }

    private static string ReadLogs(ConsoleApp app) => string.Join('\n', Directory.GetFiles(app.LogFolder, "*.json").Select(file =>
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return new StreamReader(stream).ReadToEnd();
    }));

    private static async Task WriteAsync(string store, string action)
    {
        await using var db = PostgresClusterFixture.ContextFor(store);
        new AuditLog(TimeProvider.System).Record(db, Actor.System, action, "test:1", new { });
        await db.SaveChangesAsync();
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private sealed class StoreFactory(string connectionString) : Microsoft.EntityFrameworkCore.IDbContextFactory<OpsConsole.Domain.Data.OpsDbContext>
    {
        public OpsConsole.Domain.Data.OpsDbContext CreateDbContext() => PostgresClusterFixture.ContextFor(connectionString);
    }
}
