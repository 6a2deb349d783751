using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace OpsConsole.Domain.Data.Migrations
{
    /// <inheritdoc />
    public partial class Incidents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "incidents",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Number = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Severity = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    CommanderId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true),
                    CommanderName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    Service = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    TargetId = table.Column<Guid>(type: "uuid", nullable: true),
                    TargetName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Source = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    OpenedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    OnsetAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    OpenedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    IdentifiedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    RecoveredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ResolvedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ResolveProposedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CauseChangeId = table.Column<Guid>(type: "uuid", nullable: true),
                    CauseChangeNumber = table.Column<int>(type: "integer", nullable: true),
                    FailureSummary = table.Column<string>(type: "text", nullable: true),
                    Fingerprints = table.Column<List<string>>(type: "text[]", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_incidents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_incidents_config_changes_CauseChangeId",
                        column: x => x.CauseChangeId,
                        principalTable: "config_changes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_incidents_targets_TargetId",
                        column: x => x.TargetId,
                        principalTable: "targets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "incident_suspects",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    IncidentId = table.Column<Guid>(type: "uuid", nullable: false),
                    Rank = table.Column<int>(type: "integer", nullable: false),
                    ChangeId = table.Column<Guid>(type: "uuid", nullable: false),
                    ChangeNumber = table.Column<int>(type: "integer", nullable: false),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Parameter = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Score = table.Column<double>(type: "double precision", nullable: false),
                    Strength = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Evidence = table.Column<List<string>>(type: "text[]", nullable: false),
                    RankedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_incident_suspects", x => x.Id);
                    table.ForeignKey(
                        name: "FK_incident_suspects_config_changes_ChangeId",
                        column: x => x.ChangeId,
                        principalTable: "config_changes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_incident_suspects_incidents_IncidentId",
                        column: x => x.IncidentId,
                        principalTable: "incidents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "incident_timeline",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    IncidentId = table.Column<Guid>(type: "uuid", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Kind = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    ActorId = table.Column<string>(type: "text", nullable: true),
                    ActorName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    Text = table.Column<string>(type: "text", nullable: false),
                    PreviousText = table.Column<string>(type: "text", nullable: true),
                    RefersTo = table.Column<long>(type: "bigint", nullable: true),
                    ChangeId = table.Column<Guid>(type: "uuid", nullable: true),
                    ChangeNumber = table.Column<int>(type: "integer", nullable: true),
                    RollbackRunId = table.Column<Guid>(type: "uuid", nullable: true),
                    Fingerprint = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_incident_timeline", x => x.Id);
                    table.ForeignKey(
                        name: "FK_incident_timeline_incidents_IncidentId",
                        column: x => x.IncidentId,
                        principalTable: "incidents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_incident_suspects_ChangeId",
                table: "incident_suspects",
                column: "ChangeId");

            migrationBuilder.CreateIndex(
                name: "IX_incident_suspects_IncidentId_Rank",
                table: "incident_suspects",
                columns: new[] { "IncidentId", "Rank" });

            migrationBuilder.CreateIndex(
                name: "IX_incident_timeline_IncidentId_At",
                table: "incident_timeline",
                columns: new[] { "IncidentId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_incidents_CauseChangeId",
                table: "incidents",
                column: "CauseChangeId");

            migrationBuilder.CreateIndex(
                name: "IX_incidents_Fingerprints",
                table: "incidents",
                column: "Fingerprints")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "IX_incidents_Number",
                table: "incidents",
                column: "Number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_incidents_OnsetAt",
                table: "incidents",
                column: "OnsetAt");

            migrationBuilder.CreateIndex(
                name: "IX_incidents_Status_Service",
                table: "incidents",
                columns: new[] { "Status", "Service" });

            migrationBuilder.CreateIndex(
                name: "IX_incidents_TargetId",
                table: "incidents",
                column: "TargetId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "incident_suspects");

            migrationBuilder.DropTable(
                name: "incident_timeline");

            migrationBuilder.DropTable(
                name: "incidents");
        }
    }
}
