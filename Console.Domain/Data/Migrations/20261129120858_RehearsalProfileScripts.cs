using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpsConsole.Domain.Data.Migrations
{
    /// <inheritdoc />
    public partial class RehearsalProfileScripts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Existing profiles keep the demo shop's checkout (no scripts) and pgbench's retries at the profile default of 3.
            migrationBuilder.AddColumn<int>(
                name: "MaxTries",
                table: "rehearsal_profiles",
                type: "integer",
                nullable: false,
                defaultValue: 3);

            migrationBuilder.AddColumn<string>(
                name: "Scripts",
                table: "rehearsal_profiles",
                type: "jsonb",
                nullable: false,
                defaultValueSql: "'[]'::jsonb");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "MaxTries",
                table: "rehearsal_profiles");

            migrationBuilder.DropColumn(
                name: "Scripts",
                table: "rehearsal_profiles");
        }
    }
}
