using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpsConsole.Domain.Data.Migrations
{
    /// <inheritdoc />
    public partial class AuditTriggersRunAsOwner : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The runtime role may only INSERT and SELECT audit entries and cannot write the chain head, so the
            // triggers run with their owner's rights (the owner role that ran this migration). A fixed search_path
            // keeps a caller from slipping its own audit_chain_head or functions in front of the real ones.
            migrationBuilder.Sql("""
                DO $$
                BEGIN
                  EXECUTE format('ALTER FUNCTION audit_entries_chain() SECURITY DEFINER SET search_path = %I, pg_temp', current_schema());
                  EXECUTE format('ALTER FUNCTION audit_entries_append_only() SECURITY DEFINER SET search_path = %I, pg_temp', current_schema());
                END $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER FUNCTION audit_entries_chain() SECURITY INVOKER RESET search_path;
                ALTER FUNCTION audit_entries_append_only() SECURITY INVOKER RESET search_path;
                """);
        }
    }
}
