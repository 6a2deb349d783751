using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpsConsole.Domain.Data.Migrations
{
    /// <inheritdoc />
    public partial class Rehearsals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "Exact",
                table: "staging_revert_plans",
                type: "boolean",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "LastRehearsalId",
                table: "config_changes",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "LastRehearsalPassed",
                table: "config_changes",
                type: "boolean",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "LastRehearsedAt",
                table: "config_changes",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "RehearsalRequired",
                table: "config_changes",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "rehearsals",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ChangeId = table.Column<Guid>(type: "uuid", nullable: false),
                    ChangeNumber = table.Column<int>(type: "integer", nullable: false),
                    TargetId = table.Column<Guid>(type: "uuid", nullable: false),
                    TargetName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ProfileName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Profile = table.Column<string>(type: "jsonb", nullable: false),
                    StartedById = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    StartedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    StartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    EndedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    InstanceId = table.Column<Guid>(type: "uuid", nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Phase = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Round = table.Column<int>(type: "integer", nullable: false),
                    Rounds = table.Column<int>(type: "integer", nullable: false),
                    CancelRequestedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CancelRequestedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Reason = table.Column<string>(type: "text", nullable: true),
                    Report = table.Column<string>(type: "jsonb", nullable: true),
                    Verdict = table.Column<string>(type: "text", nullable: true),
                    RevertOutcome = table.Column<string>(type: "text", nullable: true),
                    RevertExact = table.Column<bool>(type: "boolean", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_rehearsals", x => x.Id);
                    table.ForeignKey(
                        name: "FK_rehearsals_config_changes_ChangeId",
                        column: x => x.ChangeId,
                        principalTable: "config_changes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_rehearsals_targets_TargetId",
                        column: x => x.TargetId,
                        principalTable: "targets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_rehearsals_ChangeId_CreatedAt",
                table: "rehearsals",
                columns: new[] { "ChangeId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_rehearsals_one_under_way_per_target",
                table: "rehearsals",
                column: "TargetId",
                unique: true,
                filter: "\"Status\" IN ('Queued', 'Running')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "rehearsals");

            migrationBuilder.DropColumn(
                name: "Exact",
                table: "staging_revert_plans");

            migrationBuilder.DropColumn(
                name: "LastRehearsalId",
                table: "config_changes");

            migrationBuilder.DropColumn(
                name: "LastRehearsalPassed",
                table: "config_changes");

            migrationBuilder.DropColumn(
                name: "LastRehearsedAt",
                table: "config_changes");

            migrationBuilder.DropColumn(
                name: "RehearsalRequired",
                table: "config_changes");
        }
    }
}
