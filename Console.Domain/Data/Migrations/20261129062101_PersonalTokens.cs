using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpsConsole.Domain.Data.Migrations
{
    /// <inheritdoc />
    public partial class PersonalTokens : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Kind",
                table: "api_keys",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                // Every key made before personal tokens is a service key.
                defaultValue: "ServiceKey");

            migrationBuilder.AddColumn<string>(
                name: "OwnerId",
                table: "api_keys",
                type: "character varying(450)",
                maxLength: 450,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_api_keys_OwnerId",
                table: "api_keys",
                column: "OwnerId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_api_keys_OwnerId",
                table: "api_keys");

            migrationBuilder.DropColumn(
                name: "Kind",
                table: "api_keys");

            migrationBuilder.DropColumn(
                name: "OwnerId",
                table: "api_keys");
        }
    }
}
