using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpsConsole.Domain.Data.Migrations
{
    /// <inheritdoc />
    public partial class LockTimeoutIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_checkout_events_lock_timeouts",
                table: "checkout_events",
                columns: new[] { "Target", "OccurredAt" },
                filter: "\"ErrorClass\" = 'db_lock_timeout'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_checkout_events_lock_timeouts",
                table: "checkout_events");
        }
    }
}
