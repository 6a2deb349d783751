using System.Net;
using System.Security.Cryptography;
using System.Text;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Rollbacks;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>External changes: a signed webhook with retries, or a checklist confirmed step by step.</summary>
public sealed class ExternalRollbackTests(TargetFixture fixture) : IClassFixture<TargetFixture>
{
    private ChangeRegistry Registry => fixture.App.Service<ChangeRegistry>();
    private RollbackProcedure Rollbacks => fixture.App.Service<RollbackProcedure>();

    private async Task<ConfigChange> AppliedExternalAsync(string? webhookUrl)
    {
        var change = await Registry.RegisterExternalAsync(fixture.Dba1, new ExternalChangeRequest(fixture.TargetId,
            "Raised the connection pool of checkout-api to 200", "Set pool size back to 50 in the deploy config\nRedeploy checkout-api", webhookUrl,
            new ChangeDetails("Bigger pool", "Peak traffic", null, ChangeRisk.Medium, null), true));
        await Registry.ApproveAsync(fixture.Dba2, change.Id, "");
        await Registry.MarkAppliedOutsideAsync(fixture.Dba2, change.Id, DateTimeOffset.UtcNow.AddMinutes(-5));
        return change;
    }

    [Fact]
    public async Task TheWebhook_IsRetriedUntilItAnswers2xx_WithAnHmacSignedBody()
    {
        using var receiver = new WebhookReceiver(failuresFirst: 2);
        var change = await AppliedExternalAsync(receiver.Url);

        var outcome = await Rollbacks.RunAsync(fixture.OnCall, new RollbackRequest(change.Id, "Pool exhausts the database"));

        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Contains("try 3 of 3", outcome.Steps.Single(s => s.Step == RollbackStep.Execute).Message);
        Assert.Equal(3, receiver.Calls.Count);
        var (body, signature) = receiver.Calls[^1];
        Assert.Contains($"\"change\":{change.Number}", body);
        var expected = "sha256=" + Convert.ToHexString(
            HMACSHA256.HashData(Encoding.UTF8.GetBytes(TargetFixture.WebhookSecret), Encoding.UTF8.GetBytes(body))).ToLowerInvariant();
        Assert.Equal(expected, signature);
    }

    [Fact]
    public async Task AWebhookThatKeepsFailing_FailsTheRollback()
    {
        using var receiver = new WebhookReceiver(failuresFirst: 10);
        var change = await AppliedExternalAsync(receiver.Url);

        var outcome = await Rollbacks.RunAsync(fixture.OnCall, new RollbackRequest(change.Id, "Pool exhausts the database"));

        Assert.False(outcome.Succeeded);
        Assert.Contains("failed 3 times; last: answered 503", outcome.Message);
        Assert.Equal(ChangeStatus.RollbackFailed, (await Registry.GetAsync(change.Id))!.Status);
    }

    [Fact]
    public async Task AChecklist_MustBeConfirmedStepByStep()
    {
        var change = await AppliedExternalAsync(webhookUrl: null);

        await Assert.ThrowsAsync<RollbackRefusedException>(() => Rollbacks.RunAsync(fixture.OnCall, new RollbackRequest(change.Id, "Undo", ChecklistConfirmed: [true, false])));
        var outcome = await Rollbacks.RunAsync(fixture.OnCall, new RollbackRequest(change.Id, "Undo", ChecklistConfirmed: [true, true]));

        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Equal("2 manual steps confirmed by oncall.", outcome.Steps.Single(s => s.Step == RollbackStep.Execute).Message);
    }

    /// <summary>A loopback HTTP endpoint that answers 503 a number of times, then 200, and keeps what it received.</summary>
    private sealed class WebhookReceiver : IDisposable
    {
        private readonly HttpListener listener = new();
        private int failuresLeft;

        public WebhookReceiver(int failuresFirst)
        {
            failuresLeft = failuresFirst;
            var port = ConsoleProcess.FreePort();
            Url = $"http://127.0.0.1:{port}/rollback/";
            listener.Prefixes.Add(Url);
            listener.Start();
            _ = ServeAsync();
        }

        public string Url { get; }
        public List<(string Body, string? Signature)> Calls { get; } = [];

        private async Task ServeAsync()
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await listener.GetContextAsync(); }
                catch (Exception) { return; }
                using var reader = new StreamReader(context.Request.InputStream);
                var body = await reader.ReadToEndAsync();
                lock (Calls) Calls.Add((body, context.Request.Headers[RollbackWebhook.SignatureHeader]));
                context.Response.StatusCode = Interlocked.Decrement(ref failuresLeft) >= 0 ? 503 : 200;
                context.Response.Close();
            }
        }

        public void Dispose() => listener.Close();
    }
}
