using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpsConsole.Domain.Data.Migrations
{
    /// <inheritdoc />
    public partial class AuditHashChain : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Hash",
                table: "audit_entries",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                defaultValueSql: "''");

            migrationBuilder.AddColumn<string>(
                name: "PreviousHash",
                table: "audit_entries",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                defaultValueSql: "''");

            migrationBuilder.AddColumn<long>(
                name: "Sequence",
                table: "audit_entries",
                type: "bigint",
                nullable: false,
                defaultValueSql: "0");

            // Chain the entries written before this migration, in the order they were written.
            migrationBuilder.Sql($$"""
                CREATE TABLE audit_chain_head (id int PRIMARY KEY CHECK (id = 1), last_sequence bigint NOT NULL, last_hash varchar(64) NOT NULL);
                DO $$
                DECLARE r record; prev varchar(64) := '{{Genesis}}'; seq bigint := 0; h varchar(64);
                BEGIN
                  FOR r IN SELECT * FROM audit_entries ORDER BY "Id" LOOP
                    seq := seq + 1;
                    h := encode(sha256(convert_to(prev || {{Canonical("r", "seq")}}, 'UTF8')), 'hex');
                    UPDATE audit_entries SET "Sequence" = seq, "PreviousHash" = prev, "Hash" = h WHERE "Id" = r."Id";
                    prev := h;
                  END LOOP;
                  INSERT INTO audit_chain_head VALUES (1, seq, prev);
                END $$;
                """);

            migrationBuilder.CreateIndex(
                name: "IX_audit_entries_Sequence",
                table: "audit_entries",
                column: "Sequence",
                unique: true);

            // Every insert takes the chain head's row lock, so writers are chained in commit order; the same
            // canonical text is recomputed by AuditChain.VerifyAsync. Updates, deletes and truncation are refused
            // for every role: only a superuser who first disables the trigger can alter history, and the
            // chain then shows where.
            migrationBuilder.Sql($$"""
                CREATE FUNCTION audit_entries_chain() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE head audit_chain_head%ROWTYPE;
                BEGIN
                  SELECT * INTO head FROM audit_chain_head WHERE id = 1 FOR UPDATE;
                  NEW."Sequence" := head.last_sequence + 1;
                  NEW."PreviousHash" := head.last_hash;
                  NEW."Hash" := encode(sha256(convert_to(head.last_hash || {{Canonical("NEW", NewSequence)}}, 'UTF8')), 'hex');
                  UPDATE audit_chain_head SET last_sequence = NEW."Sequence", last_hash = NEW."Hash" WHERE id = 1;
                  RETURN NEW;
                END $$;
                CREATE TRIGGER audit_entries_chain BEFORE INSERT ON audit_entries FOR EACH ROW EXECUTE FUNCTION audit_entries_chain();

                CREATE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  RAISE EXCEPTION 'audit_entries is append-only: % is refused', TG_OP USING ERRCODE = 'insufficient_privilege';
                END $$;
                CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only();
                CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only();
                """);
        }

        private const string Genesis = OpsConsole.Domain.Audit.AuditChain.Genesis;
        private const string NewSequence = "NEW.\"Sequence\"";

        /// <summary>The SQL twin of AuditChain.Canonical: fields joined by the unit separator, time in UTC to the microsecond.</summary>
        private static string Canonical(string row, string sequence) =>
            $"concat_ws(E'\\x1f', {sequence}::text, to_char({row}.\"At\" AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), " +
            $"{row}.\"ActorId\", {row}.\"ActorName\", {row}.\"Action\", {row}.\"Subject\", {row}.\"Outcome\", {row}.\"Details\"::text)";

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER audit_entries_no_truncate ON audit_entries;
                DROP TRIGGER audit_entries_append_only ON audit_entries;
                DROP TRIGGER audit_entries_chain ON audit_entries;
                DROP FUNCTION audit_entries_append_only();
                DROP FUNCTION audit_entries_chain();
                DROP TABLE audit_chain_head;
                """);

            migrationBuilder.DropIndex(
                name: "IX_audit_entries_Sequence",
                table: "audit_entries");

            migrationBuilder.DropColumn(
                name: "Hash",
                table: "audit_entries");

            migrationBuilder.DropColumn(
                name: "PreviousHash",
                table: "audit_entries");

            migrationBuilder.DropColumn(
                name: "Sequence",
                table: "audit_entries");
        }
    }
}
