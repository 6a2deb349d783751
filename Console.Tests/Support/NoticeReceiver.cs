using System.Collections.Concurrent;
using System.Net;
using OpsConsole.Domain.Incidents.Notifications;
using OpsConsole.Domain.Rollbacks;

namespace OpsConsole.Tests.Support;

/// <summary>
/// A loopback HTTP endpoint for incident notices: answers the given statuses in order, then 200 (or never answers at all),
/// and keeps every call it received with its signing headers.
/// </summary>
public sealed class NoticeReceiver : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly ConcurrentQueue<int> statuses;
    private readonly bool hang;
    private readonly List<NoticeCall> calls = [];
    private readonly List<HttpListenerContext> held = [];

    public NoticeReceiver(int[]? statuses = null, bool hang = false, int? port = null)
    {
        this.statuses = new(statuses ?? []);
        this.hang = hang;
        Port = port ?? ConsoleProcess.FreePort();
        Url = $"http://127.0.0.1:{Port}/notices/";
        listener.Prefixes.Add(Url);
        listener.Start();
        _ = ServeAsync();
    }

    public int Port { get; }

    public string Url { get; }

    public IReadOnlyList<NoticeCall> Calls
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
                calls.Add(new NoticeCall(body, headers[RollbackWebhook.SignatureHeader], headers[RollbackWebhook.TimestampHeader],
                    headers[RollbackWebhook.DeliveryHeader], headers[IncidentWebhook.EventHeader], context.Request.ContentType));
            if (hang)
            {
                lock (held) held.Add(context);
                continue;
            }
            context.Response.StatusCode = statuses.TryDequeue(out var status) ? status : 200;
            context.Response.Close();
        }
    }

    public void Dispose() => listener.Close();
}

public sealed record NoticeCall(string Body, string? Signature, string? Timestamp, string? Delivery, string? Event, string? ContentType);
