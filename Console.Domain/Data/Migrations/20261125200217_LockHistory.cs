using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace OpsConsole.Domain.Data.Migrations
{
    /// <inheritdoc />
    public partial class LockHistory : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "lock_minutes",
                columns: table => new
                {
                    TargetId = table.Column<Guid>(type: "uuid", nullable: false),
                    Minute = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    MaxWaiting = table.Column<int>(type: "integer", nullable: false),
                    LongestWaitMs = table.Column<double>(type: "double precision", nullable: false),
                    Deadlocks = table.Column<long>(type: "bigint", nullable: false),
                    Rollbacks = table.Column<long>(type: "bigint", nullable: false),
                    Samples = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_lock_minutes", x => new { x.TargetId, x.Minute });
                    table.ForeignKey(
                        name: "FK_lock_minutes_targets_TargetId",
                        column: x => x.TargetId,
                        principalTable: "targets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "lock_snapshots",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    TargetId = table.Column<Guid>(type: "uuid", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Waiting = table.Column<int>(type: "integer", nullable: false),
                    LongestWaitMs = table.Column<double>(type: "double precision", nullable: false),
                    Deadlocks = table.Column<long>(type: "bigint", nullable: false),
                    Graph = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_lock_snapshots", x => x.Id);
                    table.ForeignKey(
                        name: "FK_lock_snapshots_targets_TargetId",
                        column: x => x.TargetId,
                        principalTable: "targets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_lock_minutes_Minute",
                table: "lock_minutes",
                column: "Minute");

            migrationBuilder.CreateIndex(
                name: "IX_lock_snapshots_At",
                table: "lock_snapshots",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_lock_snapshots_TargetId_At",
                table: "lock_snapshots",
                columns: new[] { "TargetId", "At" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "lock_minutes");

            migrationBuilder.DropTable(
                name: "lock_snapshots");
        }
    }
}
