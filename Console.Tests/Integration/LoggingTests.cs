using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpsConsole.Domain.Users;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

public sealed class LoggingTests(PostgresClusterFixture postgres)
{
    private static readonly Dictionary<string, string?> Verbose = new() { ["Serilog:MinimumLevel:Default"] = "Information" };

    [Fact]
    public async Task JsonLogFiles_RecordRequests_ButNeverTheStorePasswordOrTheConfiguredAdminPassword()
    {
        var connectionString = await postgres.CreateStoreAsync("logging");
        var storePassword = new NpgsqlConnectionStringBuilder(connectionString).Password!;
        string log;
        await using (var app = new ConsoleApp(connectionString, Verbose))
        {
            using var http = new HttpClient { BaseAddress = app.BaseUrl };
            await http.GetAsync("/readyz", TestContext.Current.CancellationToken);
            await http.GetAsync("/account/login", TestContext.Current.CancellationToken);
            log = await ReadLogsAsync(app);
        }

        Assert.Contains("\"RequestPath\":\"/readyz\"", log);
        Assert.Contains("password from Bootstrap:AdminPassword", log);
        Assert.DoesNotContain(storePassword, log);
        Assert.DoesNotContain(ConsoleApp.AdminPassword, log);
    }

    [Fact]
    public async Task WithoutAConfiguredPassword_TheGeneratedAdminPasswordIsShownOnce_AndTheLogOnlySaysWhere()
    {
        var settings = new Dictionary<string, string?>(Verbose) { ["Bootstrap:AdminPassword"] = "" };
        var shown = new ShownPasswords();
        string log;
        await using (var app = new ConsoleApp(await postgres.CreateStoreAsync("generated"), settings,
            services => services.AddSingleton<FirstPasswordNotice>(shown)))
        {
            _ = app.BaseUrl;
            log = await ReadLogsAsync(app);
        }

        var password = Assert.Single(shown.Passwords);
        Assert.Single(log.Split('\n'), line => line.Contains("generated password, shown on the terminal only"));
        Assert.DoesNotContain(password, log);
    }

    /// <summary>Keeps what would have gone to the terminal.</summary>
    public sealed class ShownPasswords : FirstPasswordNotice
    {
        public List<string> Passwords { get; } = [];

        public override void Show(string userName, string password)
        {
            lock (Passwords) Passwords.Add(password);
        }
    }

    private static async Task<string> ReadLogsAsync(ConsoleApp app) =>
        // The file sink writes through a shared stream; poll until the start-up lines have landed.
        await Poll.UntilAsync(app.ReadLogAsync, text => text.Contains("Bootstrap") || text.Contains("generated password"), TimeSpan.FromSeconds(10), "the log file");
}
