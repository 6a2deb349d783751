using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpsConsole.Domain.Data.Migrations
{
    /// <summary>
    /// The full (Service, OccurredAt) index of checkout_events gives way to one over failed checkouts only (decisions/0043).
    /// On a partitioned table both statements run on every day: on a big store, run it at a quiet hour.
    /// </summary>
    public partial class CheckoutFailuresIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_checkout_events_Service_OccurredAt",
                table: "checkout_events");

            migrationBuilder.CreateIndex(
                name: "IX_checkout_events_failures",
                table: "checkout_events",
                columns: new[] { "Service", "OccurredAt" },
                filter: "\"Outcome\" = 'Failed'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_checkout_events_failures",
                table: "checkout_events");

            migrationBuilder.CreateIndex(
                name: "IX_checkout_events_Service_OccurredAt",
                table: "checkout_events",
                columns: new[] { "Service", "OccurredAt" });
        }
    }
}
