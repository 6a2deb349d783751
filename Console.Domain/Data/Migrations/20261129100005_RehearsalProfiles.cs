using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpsConsole.Domain.Data.Migrations
{
    /// <inheritdoc />
    public partial class RehearsalProfiles : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "rehearsal_profiles",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    RatePerSecond = table.Column<double>(type: "double precision", nullable: false),
                    PeakMultiplier = table.Column<double>(type: "double precision", nullable: false),
                    ConcurrentShoppers = table.Column<int>(type: "integer", nullable: false),
                    Duration = table.Column<TimeSpan>(type: "interval", nullable: false),
                    CartSizeMin = table.Column<int>(type: "integer", nullable: false),
                    CartSizeMax = table.Column<int>(type: "integer", nullable: false),
                    HotProducts = table.Column<int>(type: "integer", nullable: false),
                    HotShare = table.Column<double>(type: "double precision", nullable: false),
                    Rounds = table.Column<int>(type: "integer", nullable: false),
                    FailureRatePoints = table.Column<double>(type: "double precision", nullable: false),
                    DeadlockFactor = table.Column<double>(type: "double precision", nullable: false),
                    DeadlockAllowance = table.Column<double>(type: "double precision", nullable: false),
                    P95Factor = table.Column<double>(type: "double precision", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_rehearsal_profiles", x => x.Id);
                });

            // Names are unique whatever their case: a command line names a profile without minding it.
            migrationBuilder.Sql("""CREATE UNIQUE INDEX "IX_rehearsal_profiles_lower_Name" ON rehearsal_profiles (lower("Name"))""");

            // The built-in profile, seeded once here, so that a profile deleted or renamed stays so. Its values are written
            // out (a migration never changes); RehearsalProfileDefaults.Peak says the same, and a test holds the two together.
            migrationBuilder.InsertData(
                table: "rehearsal_profiles",
                columns: ["Id", "Name", "RatePerSecond", "PeakMultiplier", "ConcurrentShoppers", "Duration", "CartSizeMin", "CartSizeMax",
                    "HotProducts", "HotShare", "Rounds", "FailureRatePoints", "DeadlockFactor", "DeadlockAllowance", "P95Factor", "UpdatedAt", "UpdatedBy"],
                values: new object[] { new Guid("6f1c2a4e-13a0-4c1e-9a57-0b1ac4f0e013"), "Black Friday peak", 6.0, 3.0, 6, TimeSpan.FromMinutes(2), 1, 4,
                    6, 0.6, 3, 2.0, 1.5, 1.0, 1.2, new DateTimeOffset(2026, 11, 29, 0, 0, 0, TimeSpan.Zero), "system" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "rehearsal_profiles");
        }
    }
}
