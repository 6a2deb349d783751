using Npgsql;

namespace OpsConsole.Web.Hosting.Embedded;

/// <summary>
/// The console store's two roles in the embedded cluster: the owner (migrations) and the runtime role (the running
/// console). A store made by an earlier version belongs to the superuser; its objects are handed to the owner.
/// </summary>
internal static class EmbeddedStoreRoles
{
    public static async Task PrepareAsync(EmbeddedPostgres cluster, string database, string owner, string runtime, CancellationToken ct)
    {
        await cluster.EnsureLoginRoleAsync(owner, ct);
        await cluster.EnsureLoginRoleAsync(runtime, ct);
        await cluster.EnsureDatabaseAsync(database, owner, ct);

        await using var connection = await cluster.OpenAsSuperuserAsync(database, ct);
        // REASSIGN OWNED cannot take objects from the bootstrap superuser, hence one ALTER per object. Sequences that
        // belong to a column (identity, serial) follow their table.
        await using var command = new NpgsqlCommand($$"""
            DO $$
            DECLARE r record;
            BEGIN
              FOR r IN SELECT c.oid::regclass AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                       WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm') AND c.relowner <> '{{owner}}'::regrole LOOP
                EXECUTE format('ALTER TABLE %s OWNER TO {{owner}}', r.name);
              END LOOP;
              FOR r IN SELECT c.oid::regclass AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                       WHERE n.nspname = 'public' AND c.relkind = 'S' AND c.relowner <> '{{owner}}'::regrole
                         AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i')) LOOP
                EXECUTE format('ALTER SEQUENCE %s OWNER TO {{owner}}', r.name);
              END LOOP;
              FOR r IN SELECT p.oid::regprocedure AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                       WHERE n.nspname = 'public' AND p.proowner <> '{{owner}}'::regrole LOOP
                EXECUTE format('ALTER FUNCTION %s OWNER TO {{owner}}', r.name);
              END LOOP;
            END $$;
            """, connection);
        await command.ExecuteNonQueryAsync(ct);
    }
}
