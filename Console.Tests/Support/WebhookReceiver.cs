using System.Net;
using OpsConsole.Domain.Rollbacks;

namespace OpsConsole.Tests.Support;

/// <summary>
/// A loopback HTTP endpoint for rollback webhooks: answers 503 a number of times, then 200 (or always a redirect
/// elsewhere), and keeps every call it received with the signing headers.
/// </summary>
public sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly string? redirectTo;
    private readonly List<WebhookCall> calls = [];
    private int failuresLeft;

    public WebhookReceiver(int failuresFirst = 0, string host = "127.0.0.1", string? redirectTo = null)
    {
        failuresLeft = failuresFirst;
        this.redirectTo = redirectTo;
        Url = $"http://{host}:{ConsoleProcess.FreePort()}/rollback/";
        listener.Prefixes.Add(Url);
        listener.Start();
        _ = ServeAsync();
    }

    /// <summary>What a failing answer says: it must never reach the console's UI or audit trail.</summary>
    public const string FailureBody = "internal-detail: db-primary.corp password hint";

    public string Url { get; }

    public IReadOnlyList<WebhookCall> Calls
    {
        get { lock (calls) return [.. calls]; }
    }

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await listener.GetContextAsync(); }
            catch (Exception) { return; }
            using var reader = new StreamReader(context.Request.InputStream);
            var body = await reader.ReadToEndAsync();
            var headers = context.Request.Headers;
            lock (calls)
                calls.Add(new WebhookCall(body, headers[RollbackWebhook.SignatureHeader], headers[RollbackWebhook.TimestampHeader],
                    headers[RollbackWebhook.DeliveryHeader]));
            if (redirectTo is not null)
            {
                context.Response.StatusCode = 307;
                context.Response.RedirectLocation = redirectTo;
            }
            else
            {
                var fail = Interlocked.Decrement(ref failuresLeft) >= 0;
                context.Response.StatusCode = fail ? 503 : 200;
                if (fail)
                    await context.Response.OutputStream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(FailureBody));
            }
            context.Response.Close();
        }
    }

    public void Dispose() => listener.Close();
}

public sealed record WebhookCall(string Body, string? Signature, string? Timestamp, string? Delivery);
