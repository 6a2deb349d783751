using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpsConsole.Domain.Data.Migrations
{
    /// <inheritdoc />
    public partial class ApiKeyHolderAuthorsChanges : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "RegisteredThroughKey",
                table: "config_changes",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CreatedById",
                table: "api_keys",
                type: "character varying(450)",
                maxLength: 450,
                nullable: false,
                defaultValue: "");

            // Keys made before: their creator by user name (as recorded), else the name itself, so they keep an author.
            migrationBuilder.Sql("""
                UPDATE api_keys k SET "CreatedById" = COALESCE((SELECT u."Id" FROM "AspNetUsers" u WHERE u."UserName" = k."CreatedBy"), k."CreatedBy");
                """);
            // Changes registered through a console-made key before: their author becomes the key's creator, so the two-person
            // rule holds for those still in review.
            migrationBuilder.Sql("""
                UPDATE config_changes c SET "AuthorId" = k."CreatedById", "AuthorName" = k."CreatedBy", "RegisteredThroughKey" = k."Name"
                FROM api_keys k WHERE c."AuthorId" = 'apikey:' || k."Id"::text;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "RegisteredThroughKey",
                table: "config_changes");

            migrationBuilder.DropColumn(
                name: "CreatedById",
                table: "api_keys");
        }
    }
}
