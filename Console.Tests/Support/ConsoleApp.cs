using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Users;

namespace OpsConsole.Tests.Support;

/// <summary>The real console, on Kestrel at a free loopback port, against a store the test chose.</summary>
public sealed class ConsoleApp : WebApplicationFactory<Program>
{
    public const string AdminPassword = "Admin-Passw0rd!";
    /// <summary>Every test console signs audit checkpoints, so that tests exercise them as production would.</summary>
    public const string CheckpointKey = "test-console-audit-checkpoint-key-0123456789";
    private readonly string connectionString;
    private readonly IReadOnlyDictionary<string, string?> settings;
    private readonly Action<IServiceCollection>? services;

    public ConsoleApp(string connectionString, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        this.connectionString = connectionString;
        this.settings = settings ?? new Dictionary<string, string?>();
        this.services = services;
        LogFolder = PostgresClusterFixture.NewTempFolder("logs");
        UseKestrel(0);
    }

    public string LogFolder { get; }

    /// <summary>What the console has logged so far (warnings and up, JSON lines): for a failing test's message.</summary>
    public async Task<string> ReadLogAsync()
    {
        var texts = new List<string>();
        foreach (var file in Directory.Exists(LogFolder) ? Directory.GetFiles(LogFolder, "*.json") : [])
        {
            // The file sink still holds it open for writing.
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            texts.Add(await new StreamReader(stream).ReadToEndAsync());
        }
        return string.Join('\n', texts);
    }

    public Uri BaseUrl
    {
        get
        {
            StartServer();
            var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new Uri(address.Replace("[::]", "127.0.0.1").Replace("0.0.0.0", "127.0.0.1"));
        }
    }

    public T Service<T>() where T : notnull => Services.GetRequiredService<T>();

    public Task<string> CreateUserAsync(string userName, string password, params string[] roles) =>
        Service<UserAdministration>().CreateAsync(Actor.System, new NewUser(userName, userName, password, roles));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("urls", "http://127.0.0.1:0");
        builder.UseSetting("ConnectionStrings:Console", connectionString);
        // A store of the test cluster runs as its runtime role, with migrations as the owner, as in production.
        if (new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Username == PostgresClusterFixture.RuntimeRole)
            builder.UseSetting("ConnectionStrings:ConsoleMigrations", PostgresClusterFixture.OwnerConnectionString(connectionString));
        builder.UseSetting("Bootstrap:AdminPassword", AdminPassword);
        var overrides = new Dictionary<string, string?>
        {
            ["Serilog:MinimumLevel:Default"] = "Warning",
            ["Serilog:WriteTo:File:Args:path"] = Path.Combine(LogFolder, "opsconsole-.json"),
            // Every test signs in from 127.0.0.1, many times a minute on a shared console; the limit has tests of its own.
            ["Authentication:SignInPermitLimit"] = "10000",
            ["Audit:CheckpointKey"] = CheckpointKey,
            // Its own data folder: the clean-up of throwaway staging clusters at start must never meet a developer's.
            ["Embedded:DataDirectory"] = PostgresClusterFixture.NewTempFolder("data"),
        };
        foreach (var (key, value) in settings)
            overrides[key] = value;
        // UseSetting is seen while Program builds the app (the connection string must be), but loses to
        // appsettings.json; the in-memory source wins for everything read after the build. Serilog's keys go
        // only there: a second copy among the host settings makes its reader see sinks without names.
        foreach (var (key, value) in overrides.Where(o => !o.Key.StartsWith("Serilog:")))
            builder.UseSetting(key, value);
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(overrides));
        if (services is not null)
            builder.ConfigureTestServices(services);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        // Its idle pooled store connections would stay open for minutes after it: the shared cluster's slots are for the next tests.
        foreach (var store in new[] { connectionString, PostgresClusterFixture.OwnerConnectionString(connectionString) })
        {
            await using var pooled = new Npgsql.NpgsqlConnection(store);
            Npgsql.NpgsqlConnection.ClearPool(pooled);
        }
        PostgresClusterFixture.TryDelete(LogFolder);
    }
}
