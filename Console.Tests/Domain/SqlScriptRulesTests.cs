using OpsConsole.Domain;
using OpsConsole.Domain.Rehearsals;
using OpsConsole.Domain.Rehearsals.Workloads;

namespace OpsConsole.Tests.Domain;

/// <summary>A profile's SQL scripts: each bad value is refused naming its field; the pgbench command carries no password; a missing pgbench is named.</summary>
public sealed class SqlScriptRulesTests
{
    private static readonly SqlScript Update = new("pay", 3, "\\set id random(1, 100)\nUPDATE hot SET n = n + 1 WHERE id = :id;");
    private static readonly SqlScript Read = new("browse", 1, "SELECT sum(n) FROM hot;");
    private static readonly RehearsalProfileSettings Scripted = RehearsalProfileDefaults.Peak with { Scripts = [Update, Read] };

    public static TheoryData<string, RehearsalProfileSettings> BadValues() => new()
    {
        { "Scripts", Scripted with { Scripts = Enumerable.Range(1, 11).Select(i => Read with { Name = $"s{i}" }).ToList() } },
        { "Scripts[1].Name", Scripted with { Scripts = [Update, Read with { Name = " " }] } },
        { "Scripts[1].Name", Scripted with { Scripts = [Update, Read with { Name = new string('x', 41) }] } },
        { "Scripts[1].Name", Scripted with { Scripts = [Update, Read with { Name = "a\tb" }] } },
        { "Scripts[1].Name", Scripted with { Scripts = [Update, Read with { Name = " PAY " }] } },
        { "Scripts[0].Weight", Scripted with { Scripts = [Update with { Weight = 0 }, Read] } },
        { "Scripts[1].Weight", Scripted with { Scripts = [Update, Read with { Weight = 101 }] } },
        { "Scripts[1].Sql", Scripted with { Scripts = [Update, Read with { Sql = " \n " }] } },
        { "Scripts[1].Sql", Scripted with { Scripts = [Update, Read with { Sql = "SELECT 1;" + new string(' ', 16 * 1024) }] } },
        { "Scripts[1].Sql", Scripted with { Scripts = [Update, Read with { Sql = "SELECT '\0';" }] } },
        { "Scripts[1].Sql", Scripted with { Scripts = [Update, Read with { Sql = "SELECT 1;\n  \\SHELL rm -rf /tmp/x" }] } },
        { "Scripts[0].Sql", Scripted with { Scripts = [Update with { Sql = "\\setshell x echo 1\nSELECT :x;" }, Read] } },
        { "MaxTries", Scripted with { MaxTries = 0 } },
        { "MaxTries", Scripted with { MaxTries = 11 } },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public void Check_WithABadScript_IsRefusedNamingTheField(string field, RehearsalProfileSettings settings)
    {
        var refused = Assert.Throws<DomainRuleException>(() => settings.Normalized().Check());

        Assert.Equal(field, refused.Field);
    }

    [Fact]
    public void Check_TakesTenScripts_OfSixteenKilobytes_WithMetaCommands()
    {
        const string sql = "\\set id random(1, 10)\nSELECT :id;";
        var ten = Enumerable.Range(1, 10).Select(i => new SqlScript($"script {i}", 100, sql + new string(' ', 16 * 1024 - sql.Length))).ToList();

        (Scripted with { Scripts = ten, MaxTries = 10 }).Normalized().Check();
        (Scripted with { MaxTries = 1 }).Check();
    }

    [Fact]
    public void Settings_WithTheSameScripts_AreEqual_WhicheverListHoldsThem()
    {
        var again = RehearsalProfileDefaults.Peak with { Scripts = new List<SqlScript> { Update with { }, Read with { } } };

        Assert.Equal(Scripted, again);
        Assert.Equal(Scripted.GetHashCode(), again.GetHashCode());
        Assert.NotEqual(Scripted, again with { Scripts = [Update, Read with { Weight = 2 }] });
        Assert.Equal(RehearsalProfileDefaults.Peak, RehearsalProfileDefaults.Peak with { Scripts = [] });
    }

    [Fact]
    public void Edit_ReportsScriptsAndMaxTries_WhenTheyChange()
    {
        var profile = new RehearsalProfile(Scripted, "dba", DateTimeOffset.UnixEpoch);

        var changed = profile.Edit(Scripted with { Scripts = [Update, Read with { Weight = 2 }], MaxTries = 1 }, "dba", DateTimeOffset.UnixEpoch);

        Assert.Equal(["MaxTries", "Scripts"], changed.Order());
        Assert.Equal(2, profile.Settings.Scripts[1].Weight);
    }

    [Fact]
    public void Command_PassesThePasswordInTheEnvironment_NeverInTheArguments()
    {
        var info = PgbenchCommand.StartInfo("/usr/bin/pgbench", "Host=db.staging;Port=6543;Username=rehearse;Password=s3cret-pw;Database=shop",
            "OpsConsole rehearsal pgbench 1", Scripted with { ConcurrentShoppers = 6, MaxTries = 2 }, 30, "/tmp/run", ["/tmp/run/script1.sql", "/tmp/run/script2.sql"]);

        Assert.DoesNotContain(info.ArgumentList, a => a.Contains("s3cret-pw"));
        Assert.Equal(("s3cret-pw", "db.staging", "6543", "rehearse", "shop", "OpsConsole rehearsal pgbench 1"),
            (info.Environment["PGPASSWORD"], info.Environment["PGHOST"], info.Environment["PGPORT"], info.Environment["PGUSER"], info.Environment["PGDATABASE"],
                info.Environment["PGAPPNAME"]));
        var args = string.Join(' ', info.ArgumentList);
        Assert.Contains("--client 6", args);
        Assert.Contains("--rate 18 --time 30", args);
        Assert.Contains("--max-tries 2 --failures-detailed --log --log-prefix /tmp/run/pgbench_log", args);
        Assert.EndsWith("--file /tmp/run/script1.sql@3 --file /tmp/run/script2.sql@1", args);
    }

    [Fact]
    public void Find_WithoutPgbench_IsRefusedNamingThePackage()
    {
        var empty = Directory.CreateTempSubdirectory("no-pgbench-");
        try
        {
            var refused = Assert.Throws<DomainRuleException>(() => PgbenchBinary.Find(empty.FullName, [Path.Combine(empty.FullName, "nowhere")]));

            Assert.Contains("postgresql-client", refused.Message);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
        Assert.True(File.Exists(PgbenchBinary.Find()), "this machine has pgbench 15");
    }
}
