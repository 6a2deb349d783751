using System.Net;
using System.Text.RegularExpressions;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>
/// The built console as its own process in the Production environment, on HTTPS (a self-signed certificate) and plain
/// HTTP, with no Bootstrap:AdminPassword: what an operator's first start looks like on a server.
/// </summary>
public sealed partial class ProductionConsoleTests(ProductionConsoleTests.Console console) : IClassFixture<ProductionConsoleTests.Console>
{
    /// <summary>A name, not 127.0.0.1: ASP.NET Core sends no HSTS for localhost names, so as not to pin a developer's browser.</summary>
    private const string HostName = "console.example.com";

    [Fact]
    public async Task GeneratedAdminPassword_IsShownOnTheTerminal_NeverInTheLogFiles_AndMustChangeAtFirstSignIn()
    {
        var password = await console.GeneratedPasswordAsync();
        using var client = new FormClient(console.Https, HostName);

        var signedIn = await client.SignInAsync("admin", password);
        var home = await client.Http.GetAsync("/changes");

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
        Assert.Equal("/account/password", home.Headers.Location?.OriginalString.Split('?')[0]);
        var log = await console.ReadLogAsync();
        Assert.Contains("generated password, shown on the terminal only", log);
        Assert.DoesNotContain(password, log);
    }

    [Fact]
    public async Task OverHttps_EveryCookieIsSecure_AndTheAnswersCarryHsts()
    {
        using var https = new FormClient(console.Https, HostName);

        var page = await https.Http.GetAsync("/account/login");
        var signedIn = await https.SignInAsync("admin", await console.GeneratedPasswordAsync());

        Assert.Contains("max-age=", Assert.Single(page.Headers.GetValues("Strict-Transport-Security")));
        var cookies = CookiesOf(page).Concat(CookiesOf(signedIn)).ToList();
        Assert.Contains(cookies, c => c.StartsWith(".AspNetCore.Antiforgery."));
        Assert.Contains(cookies, c => c.StartsWith("opsconsole.auth="));
        Assert.All(cookies, cookie => Assert.Contains("; secure", cookie, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task OverPlainHttp_ThePagesStillWork_TheSessionCookieIsSecure_AndThereIsNoHsts()
    {
        // What a console behind a TLS-terminating proxy sees when the proxy does not forward the scheme.
        using var http = new FormClient(console.Http, HostName);

        var page = await http.Http.GetAsync("/account/login");
        var signedIn = await http.SignInAsync("admin", await console.GeneratedPasswordAsync());

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        // RFC 6797: a browser ignores the header on plain HTTP, and ASP.NET Core does not send it there.
        Assert.False(page.Headers.Contains("Strict-Transport-Security"));
        var session = Assert.Single(CookiesOf(signedIn), c => c.StartsWith("opsconsole.auth="));
        Assert.Contains("; secure", session, StringComparison.OrdinalIgnoreCase);
    }

    private static IEnumerable<string> CookiesOf(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [];

    [GeneratedRegex(@"generated password (\S+) \(shown once")]
    private static partial Regex GeneratedPassword();

    public sealed class Console(PostgresClusterFixture postgres) : IAsyncLifetime
    {
        private readonly string folder = PostgresClusterFixture.NewTempFolder("production");

        public ConsoleProcess Process { get; private set; } = null!;
        public Uri Https { get; private set; } = null!;
        public Uri Http { get; private set; } = null!;
        private string LogFolder => Path.Combine(folder, "logs");

        public async ValueTask InitializeAsync()
        {
            var store = await postgres.CreateStoreAsync("production");
            var certificate = TestCertificates.WritePfx(folder, HostName, "tls-test");
            var (httpsPort, httpPort) = (ConsoleProcess.FreePort(), ConsoleProcess.FreePort());
            Https = new Uri($"https://127.0.0.1:{httpsPort}");
            Http = new Uri($"http://127.0.0.1:{httpPort}");
            var dll = Path.Combine(RepoPaths.WebProject, "bin", RepoPaths.Configuration, "net10.0", "OpsConsole.Web.dll");
            Process = ConsoleProcess.Start(RepoPaths.WebProject, dll, "--environment", "Production",
                "--urls", $"{Https};{Http}",
                "--Kestrel:Certificates:Default:Path", certificate, "--Kestrel:Certificates:Default:Password", "tls-test",
                "--ConnectionStrings:Console", store,
                "--Serilog:WriteTo:File:Args:path", Path.Combine(LogFolder, "opsconsole-.json"));
            await Process.WaitUntilListeningAsync(TimeSpan.FromSeconds(90));
        }

        /// <summary>Read from what the console printed on its terminal, as its operator would.</summary>
        public async Task<string> GeneratedPasswordAsync() =>
            (await Poll.UntilAsync(() => Task.FromResult(GeneratedPassword().Match(Process.Output)), match => match.Success,
                TimeSpan.FromSeconds(30), "the generated password on the terminal")).Groups[1].Value;

        public async Task<string> ReadLogAsync() =>
            await Poll.UntilAsync(async () =>
                {
                    var texts = new List<string>();
                    foreach (var file in Directory.Exists(LogFolder) ? Directory.GetFiles(LogFolder, "*.json") : [])
                    {
                        await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                        texts.Add(await new StreamReader(stream).ReadToEndAsync());
                    }
                    return string.Join('\n', texts);
                },
                text => text.Contains("generated password"), TimeSpan.FromSeconds(10), "the log file");

        public async ValueTask DisposeAsync()
        {
            await Process.DisposeAsync();
            PostgresClusterFixture.TryDelete(folder);
        }
    }
}
