using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpsConsole.Domain.Data.Migrations
{
    /// <inheritdoc />
    public partial class AlertRules : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "alert_rules",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Name = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    Level = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Threshold = table.Column<double>(type: "double precision", nullable: false),
                    ClearThreshold = table.Column<double>(type: "double precision", nullable: false),
                    Window = table.Column<TimeSpan>(type: "interval", nullable: false),
                    HoldFor = table.Column<TimeSpan>(type: "interval", nullable: false),
                    ClearFor = table.Column<TimeSpan>(type: "interval", nullable: false),
                    MinimumVolume = table.Column<long>(type: "bigint", nullable: false),
                    ShortWindow = table.Column<TimeSpan>(type: "interval", nullable: true),
                    Objective = table.Column<double>(type: "double precision", nullable: true),
                    Service = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    Target = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: true),
                    Enabled = table.Column<bool>(type: "boolean", nullable: false),
                    SeedKey = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    ConditionSince = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ClearingSince = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    AlertTarget = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: true),
                    LastValue = table.Column<double>(type: "double precision", nullable: true),
                    LastSummary = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    LastEvaluatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alert_rules", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_alert_rules_Name",
                table: "alert_rules",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_alert_rules_SeedKey",
                table: "alert_rules",
                column: "SeedKey",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "alert_rules");
        }
    }
}
