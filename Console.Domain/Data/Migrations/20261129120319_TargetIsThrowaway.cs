using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpsConsole.Domain.Data.Migrations
{
    /// <inheritdoc />
    public partial class TargetIsThrowaway : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "IsThrowaway",
                table: "targets",
                type: "boolean",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "IsThrowaway",
                table: "targets");
        }
    }
}
