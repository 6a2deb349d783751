using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpsConsole.Domain.Data.Migrations
{
    /// <inheritdoc />
    public partial class AddUserTimeZonePreference : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "TimeZonePreference",
                table: "AspNetUsers",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "Browser"); // existing users keep the browser's zone, the default
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "TimeZonePreference",
                table: "AspNetUsers");
        }
    }
}
