using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace OpsConsole.Domain.Data.Migrations
{
    /// <inheritdoc />
    public partial class AuditCheckpoints : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "audit_checkpoints",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    Sequence = table.Column<long>(type: "bigint", nullable: false),
                    Hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Signature = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_checkpoints", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_audit_checkpoints_Sequence",
                table: "audit_checkpoints",
                column: "Sequence",
                unique: true);

            // Append-only like audit_entries: the runtime role inserts and reads checkpoints, nobody rewrites them.
            // The chain head is read through a SECURITY DEFINER function (owned by the role that runs migrations), so
            // the console can checkpoint and verify the head without any right on the head's table itself.
            migrationBuilder.Sql("""
                CREATE FUNCTION audit_checkpoints_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  RAISE EXCEPTION 'audit_checkpoints is append-only: % is refused', TG_OP USING ERRCODE = 'insufficient_privilege';
                END $$;
                CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
                  FOR EACH ROW EXECUTE FUNCTION audit_checkpoints_append_only();
                CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
                  FOR EACH STATEMENT EXECUTE FUNCTION audit_checkpoints_append_only();

                CREATE FUNCTION audit_chain_head_read(OUT last_sequence bigint, OUT last_hash varchar)
                  LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT
                  AS $$ SELECT last_sequence, last_hash FROM audit_chain_head WHERE id = 1 $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP FUNCTION audit_chain_head_read();
                DROP TRIGGER audit_checkpoints_no_truncate ON audit_checkpoints;
                DROP TRIGGER audit_checkpoints_append_only ON audit_checkpoints;
                DROP FUNCTION audit_checkpoints_append_only();
                """);

            migrationBuilder.DropTable(
                name: "audit_checkpoints");
        }
    }
}
