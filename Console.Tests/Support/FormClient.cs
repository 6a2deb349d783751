using System.Net;
using System.Text.RegularExpressions;

namespace OpsConsole.Tests.Support;

/// <summary>
/// Posts the console's statically rendered forms (sign-in, change password) over HTTP, with the antiforgery token of
/// the page and a cookie jar, for tests that need what the server answers rather than a browser.
/// </summary>
public sealed partial class FormClient : IDisposable
{
    private readonly HttpClientHandler handler;

    public FormClient(Uri baseUrl, string? host = null)
    {
        handler = new HttpClientHandler
        {
            AllowAutoRedirect = false,
            CookieContainer = Cookies,
            // Tests serve HTTPS with a self-signed certificate made on the spot.
            ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
        };
        Http = new HttpClient(handler) { BaseAddress = baseUrl };
        if (host is not null)
            Http.DefaultRequestHeaders.Host = host;
    }

    public HttpClient Http { get; }

    public CookieContainer Cookies { get; } = new();

    public Task<HttpResponseMessage> SignInAsync(string userName, string password) =>
        PostAsync("/account/login", "login", new() { ["Input.UserName"] = userName, ["Input.Password"] = password });

    public Task<HttpResponseMessage> ChangePasswordAsync(string current, string next, string? confirm = null) =>
        PostAsync("/account/password", "change-password",
            new() { ["Input.CurrentPassword"] = current, ["Input.NewPassword"] = next, ["Input.ConfirmPassword"] = confirm ?? next });

    /// <summary>Loads the page for its antiforgery token, then posts the form as the browser would.</summary>
    public async Task<HttpResponseMessage> PostAsync(string path, string formName, Dictionary<string, string> fields)
    {
        fields["_handler"] = formName;
        fields["__RequestVerificationToken"] = await TokenAsync(path);
        return await Http.PostAsync(path, new FormUrlEncodedContent(fields));
    }

    /// <summary>The antiforgery token of a form on the page at <paramref name="path"/> (it also sets the cookie it pairs with).</summary>
    public async Task<string> TokenAsync(string path)
    {
        var page = await Http.GetAsync(path);
        var html = await page.Content.ReadAsStringAsync();
        var token = AntiforgeryToken().Match(html);
        if (!token.Success)
            throw new InvalidOperationException($"{path} answered {(int)page.StatusCode} without a form token:\n{html[..Math.Min(html.Length, 2000)]}");
        return WebUtility.HtmlDecode(token.Groups[1].Value);
    }

    public void Dispose()
    {
        Http.Dispose();
        handler.Dispose();
    }

    [GeneratedRegex("<input[^>]*name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
