using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace OpsConsole.Domain.Data.Migrations
{
    /// <inheritdoc />
    public partial class CheckoutEvents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "checkout_events",
                columns: table => new
                {
                    EventId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false, collation: "C"),
                    OccurredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Outcome = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    ErrorClass = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    ErrorCode = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    LatencyMs = table.Column<double>(type: "double precision", nullable: false),
                    Amount = table.Column<decimal>(type: "numeric", nullable: true),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: true),
                    Region = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    Service = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Target = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_checkout_events", x => x.EventId);
                });

            migrationBuilder.CreateTable(
                name: "checkout_minute_deltas",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    Service = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Minute = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Attempts = table.Column<long>(type: "bigint", nullable: false),
                    Successes = table.Column<long>(type: "bigint", nullable: false),
                    FailuresByClass = table.Column<long[]>(type: "bigint[]", nullable: false),
                    Revenue = table.Column<decimal>(type: "numeric", nullable: false),
                    LatenciesMicros = table.Column<long[]>(type: "bigint[]", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_checkout_minute_deltas", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "checkout_minutes",
                columns: table => new
                {
                    Service = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Minute = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Attempts = table.Column<long>(type: "bigint", nullable: false),
                    Successes = table.Column<long>(type: "bigint", nullable: false),
                    Failures = table.Column<long>(type: "bigint", nullable: false),
                    FailedDbDeadlock = table.Column<long>(type: "bigint", nullable: false),
                    FailedDbLockTimeout = table.Column<long>(type: "bigint", nullable: false),
                    FailedDbSerialization = table.Column<long>(type: "bigint", nullable: false),
                    FailedDbConnectionTimeout = table.Column<long>(type: "bigint", nullable: false),
                    FailedPaymentGateway = table.Column<long>(type: "bigint", nullable: false),
                    FailedValidation = table.Column<long>(type: "bigint", nullable: false),
                    FailedOther = table.Column<long>(type: "bigint", nullable: false),
                    LatencyP50Ms = table.Column<double>(type: "double precision", nullable: false),
                    LatencyP95Ms = table.Column<double>(type: "double precision", nullable: false),
                    LatencyP99Ms = table.Column<double>(type: "double precision", nullable: false),
                    Revenue = table.Column<decimal>(type: "numeric", nullable: false),
                    Histogram = table.Column<byte[]>(type: "bytea", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_checkout_minutes", x => new { x.Service, x.Minute });
                });

            migrationBuilder.CreateIndex(
                name: "IX_checkout_events_Service_OccurredAt",
                table: "checkout_events",
                columns: new[] { "Service", "OccurredAt" });

            migrationBuilder.CreateIndex(
                name: "IX_checkout_minutes_Minute",
                table: "checkout_minutes",
                column: "Minute");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "checkout_events");

            migrationBuilder.DropTable(
                name: "checkout_minute_deltas");

            migrationBuilder.DropTable(
                name: "checkout_minutes");
        }
    }
}
