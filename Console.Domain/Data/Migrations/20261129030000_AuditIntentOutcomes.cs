using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpsConsole.Domain.Data.Migrations
{
    /// <summary>Finds an intent's outcome (details "intent") and the intents themselves without scanning the audit log.</summary>
    [DbContext(typeof(OpsDbContext))]
    [Migration("20261129030000_AuditIntentOutcomes")]
    public partial class AuditIntentOutcomes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""CREATE INDEX "IX_audit_entries_intent" ON audit_entries (("Details" ->> 'intent'));""");
            migrationBuilder.Sql("""CREATE INDEX "IX_audit_entries_intended" ON audit_entries ("Id") WHERE "Outcome" = 'Intended';""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP INDEX "IX_audit_entries_intended";""");
            migrationBuilder.Sql("""DROP INDEX "IX_audit_entries_intent";""");
        }
    }
}
