using OpsConsole.Domain.Targets;

namespace OpsConsole.Tests.Domain;

public sealed class ScriptGuardTests
{
    [Theory]
    [InlineData("CREATE TABLE t (id int); COMMIT;", "COMMIT")]
    [InlineData("insert into t values (1);\ncommit work", "COMMIT")]
    [InlineData("UPDATE t SET a = 1; ROLLBACK", "ROLLBACK")]
    [InlineData("UPDATE t SET a = 1; rollback and chain", "ROLLBACK")]
    [InlineData("DELETE FROM t; END;", "END")]
    [InlineData("DELETE FROM t; ABORT", "ABORT")]
    [InlineData("PREPARE TRANSACTION 'x'", "PREPARE TRANSACTION")]
    [InlineData("COMMIT PREPARED 'x'", "COMMIT PREPARED")]
    [InlineData("ROLLBACK PREPARED 'x'", "ROLLBACK PREPARED")]
    [InlineData("/* a comment */ COMMIT", "COMMIT")]
    [InlineData("-- a comment\nCOMMIT", "COMMIT")]
    [InlineData("/* nested /* comment */ still comment */ COMMIT", "COMMIT")]
    [InlineData("SELECT 'it''s'; COMMIT", "COMMIT")]
    [InlineData("SELECT E'\\''; COMMIT", "COMMIT")]
    [InlineData("SELECT \"a;b\"; COMMIT", "COMMIT")]
    [InlineData("SELECT $tag$ $x$ ; $tag$; COMMIT", "COMMIT")]
    public void AScriptThatEndsItsTransaction_IsRefused_NamingTheStatement(string script, string named)
    {
        var problem = ScriptGuard.Problem(script);

        Assert.NotNull(problem);
        Assert.Contains($"({named})", problem);
        Assert.Contains("ends the transaction", problem);
    }

    [Theory]
    [InlineData("SET ROLE postgres", "SET ROLE")]
    [InlineData("set local role postgres", "SET ROLE")]
    [InlineData("SET SESSION ROLE postgres", "SET ROLE")]
    [InlineData("SET \"role\" = 'postgres'", "SET ROLE")]
    [InlineData("SET role TO postgres", "SET ROLE")]
    [InlineData("RESET ROLE", "RESET ROLE")]
    [InlineData("SET SESSION AUTHORIZATION postgres", "SET SESSION AUTHORIZATION")]
    [InlineData("SET LOCAL SESSION AUTHORIZATION postgres", "SET SESSION AUTHORIZATION")]
    [InlineData("RESET SESSION AUTHORIZATION", "RESET SESSION AUTHORIZATION")]
    [InlineData("SET session_authorization = postgres", "SET SESSION_AUTHORIZATION")]
    [InlineData("SELECT set_config('role', 'postgres', true)", "set_config('role')")]
    [InlineData("SELECT pg_catalog.set_config( 'ROLE' , 'postgres', false)", "set_config('ROLE')")]
    [InlineData("SELECT set_config('ro' || 'le', 'postgres', true)", "set_config with a computed setting name")]
    [InlineData("SELECT set_config(name, 'postgres', true) FROM t", "set_config with a computed setting name")]
    public void AScriptThatChangesItsRole_IsRefused(string script, string named)
    {
        var problem = ScriptGuard.Problem(script);

        Assert.NotNull(problem);
        Assert.Contains($"({named})", problem);
    }

    [Theory]
    [InlineData("INSERT INTO notes (body) VALUES ('COMMIT; ROLLBACK; SET ROLE postgres')")]
    [InlineData("INSERT INTO notes (body) VALUES (E'it\\'s; COMMIT')")]
    [InlineData("INSERT INTO notes (body) VALUES ('back\\'); SELECT 1")]
    [InlineData("SELECT 1 AS \"COMMIT\"; SELECT \"x\"\";COMMIT\" FROM t")]
    [InlineData("-- COMMIT\nSELECT 1 /* ; COMMIT */")]
    [InlineData("/* outer /* ; COMMIT */ ; ROLLBACK */ SELECT 1")]
    [InlineData("CREATE PROCEDURE p() LANGUAGE plpgsql AS $$ BEGIN COMMIT; END $$")]
    [InlineData("CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $body$ BEGIN SET ROLE x; $$ ; COMMIT; END $body$")]
    [InlineData("SELECT $1; SELECT a$b$c FROM t")]
    [InlineData("SAVEPOINT s; UPDATE t SET a = 1; ROLLBACK TO SAVEPOINT s; RELEASE SAVEPOINT s")]
    [InlineData("SAVEPOINT s; rollback work to s")]
    [InlineData("SELECT set_config('search_path', 'app', true)")]
    [InlineData("SET search_path = app; SET LOCAL statement_timeout = '5s'; RESET search_path")]
    [InlineData("COMMENT ON TABLE t IS 'end of the line'; SELECT U&'d\\0061t\\+000061; COMMIT'")]
    [InlineData("SELECT x'1F', b'101' FROM rollback_log; UPDATE commit_log SET ended = true")]
    [InlineData("ALTER TABLE t ADD COLUMN role text; UPDATE t SET role = 'admin'")]
    [InlineData("")]
    public void KeywordsInsideLiteralsIdentifiersBodiesAndComments_AreNotStatements(string script) =>
        Assert.Null(ScriptGuard.Problem(script));

    [Fact]
    public void ABackslashInAPlainString_IsLiteral_AsStandardConformingStringsIsForcedOn()
    {
        // Under standard_conforming_strings = on, 'a\' is a whole string; the COMMIT after it is a statement.
        Assert.NotNull(ScriptGuard.Problem("SELECT 'a\\'; COMMIT"));
        var tokens = SqlTokenizer.Tokens("SELECT 'a\\'").ToList();
        Assert.Equal(new SqlToken(SqlTokenKind.String, "a\\"), tokens[1]);
    }

    [Fact]
    public void Statements_AreSplitOnSemicolonsOutsideQuotes_WithWordsLowerCased()
    {
        var statements = SqlTokenizer.Statements("Create TABLE \"Mixed\"(x text default ';'); ;  select $$;$$");

        Assert.Equal(2, statements.Count);
        Assert.Equal(new SqlToken(SqlTokenKind.Word, "create"), statements[0][0]);
        Assert.Contains(new SqlToken(SqlTokenKind.QuotedIdentifier, "Mixed"), statements[0]);
        Assert.Contains(new SqlToken(SqlTokenKind.String, ";"), statements[0]);
        Assert.Equal([new SqlToken(SqlTokenKind.Word, "select"), new SqlToken(SqlTokenKind.String, ";")], statements[1]);
    }
}
