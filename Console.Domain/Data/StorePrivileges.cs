using Npgsql;

namespace OpsConsole.Domain.Data;

/// <summary>
/// Separation of powers in the console store: the owner role runs migrations and owns every object; the runtime
/// role the console connects as gets plain DML on what migrations create (through default privileges), but on the
/// audit trail only INSERT and SELECT, and nothing on the chain head (it reads the head through the owner's
/// SECURITY DEFINER function <c>audit_chain_head_read()</c>). The audit triggers are SECURITY DEFINER functions of the
/// owner, so they still write the head for it. Day partitions are made and dropped only through the owner's SECURITY
/// DEFINER functions <c>ops_day_partitions_*</c> (decisions/0035), which the runtime role may execute. README prints the same script for a store set up by hand.
/// </summary>
public static class StorePrivileges
{
    /// <summary>
    /// The grants, run by the owner in the store database after migrations; running it again changes nothing. Every
    /// <c>audit_*</c> table (entries, and what later migrations add beside them) is append-only for the runtime role;
    /// the chain head is out of its reach.
    /// </summary>
    public static string GrantScript(string runtimeRole)
    {
        var runtime = Identifier(runtimeRole);
        var runtimeLiteral = runtimeRole.Replace("'", "''");
        return $"""
            ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {runtime};
            ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {runtime};
            GRANT USAGE ON SCHEMA public TO {runtime};
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {runtime};
            GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {runtime};
            GRANT EXECUTE ON FUNCTION ops_day_partitions_ensure(regclass, date, date), ops_day_partitions_detach(regclass, timestamptz),
                ops_day_partitions_drop_detached(regclass), ops_day_partitions_prune_default(regclass, timestamptz) TO {runtime};
            REVOKE ALL ON "__EFMigrationsHistory" FROM {runtime};
            GRANT SELECT ON "__EFMigrationsHistory" TO {runtime};
            DO $$
            DECLARE t text;
            BEGIN
              FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'audit\_%' LOOP
                EXECUTE format('REVOKE ALL ON %I FROM %I', t, '{runtimeLiteral}');
                IF t <> 'audit_chain_head' THEN
                  EXECUTE format('GRANT SELECT, INSERT ON %I TO %I', t, '{runtimeLiteral}');
                END IF;
              END LOOP;
            END $$;
            """;
    }

    /// <summary>
    /// Whether the role the console runs as could rewrite the audit trail: a superuser, a member of the table's
    /// owner, or one granted UPDATE, DELETE or TRUNCATE on it.
    /// </summary>
    public static async Task<bool> RuntimeCanRewriteHistoryAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            SELECT r.rolsuper OR pg_has_role(current_user, c.relowner, 'MEMBER')
                OR has_table_privilege(c.oid, 'UPDATE') OR has_table_privilege(c.oid, 'DELETE') OR has_table_privilege(c.oid, 'TRUNCATE')
            FROM pg_class c, pg_roles r
            WHERE c.oid = to_regclass('audit_entries') AND r.rolname = current_user
            """, connection);
        return await command.ExecuteScalarAsync(ct) is true;
    }

    public static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"") + "\"";
}
