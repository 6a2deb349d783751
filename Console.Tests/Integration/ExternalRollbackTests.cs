using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using OpsConsole.Domain;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Rollbacks;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>External changes: a signed webhook with retries, or a checklist confirmed step by step.</summary>
public sealed class ExternalRollbackTests(TargetFixture fixture) : IClassFixture<TargetFixture>
{
    private ChangeRegistry Registry => fixture.App.Service<ChangeRegistry>();
    private RollbackProcedure Rollbacks => fixture.App.Service<RollbackProcedure>();

    private Task<ConfigChange> RegisterAsync(string? webhookUrl) =>
        Registry.RegisterExternalAsync(fixture.Dba1, new ExternalChangeRequest(fixture.TargetId,
            "Raised the connection pool of checkout-api to 200", "Set pool size back to 50 in the deploy config\nRedeploy checkout-api", webhookUrl,
            new ChangeDetails("Bigger pool", "Peak traffic", null, ChangeRisk.Medium, null), true));

    private async Task<ConfigChange> AppliedExternalAsync(string? webhookUrl)
    {
        var change = await RegisterAsync(webhookUrl);
        await Registry.ApproveAsync(fixture.Dba2, change.Id, "");
        await Registry.MarkAppliedOutsideAsync(fixture.Dba2, change.Id, DateTimeOffset.UtcNow.AddMinutes(-5));
        return change;
    }

    [Fact]
    public async Task TheWebhook_IsRetriedUntilItAnswers2xx_SignedOverTimestampDeliveryAndBody()
    {
        using var receiver = new WebhookReceiver(failuresFirst: 2);
        var change = await AppliedExternalAsync(receiver.Url);

        var outcome = await Rollbacks.RunAsync(fixture.OnCall, new RollbackRequest(change.Id, "Pool exhausts the database"));

        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Contains("try 3 of 3", outcome.Steps.Single(s => s.Step == RollbackStep.Execute).Message);
        var calls = receiver.Calls;
        Assert.Equal(3, calls.Count);
        // One delivery, retried: the receiver can tell a retry from a new request by its id.
        Assert.Single(calls.Select(c => c.Delivery).Distinct());
        Assert.True(Guid.TryParse(calls[0].Delivery, out _), $"delivery id: {calls[0].Delivery}");
        foreach (var call in calls)
        {
            Assert.Contains($"\"change\":{change.Number}", call.Body);
            var sent = DateTimeOffset.FromUnixTimeSeconds(long.Parse(call.Timestamp!));
            Assert.InRange(sent, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
            var expected = "sha256=" + Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(TargetFixture.WebhookSecret),
                Encoding.UTF8.GetBytes($"{call.Timestamp}.{call.Delivery}.{call.Body}"))).ToLowerInvariant();
            Assert.Equal(expected, call.Signature);
        }
    }

    [Fact]
    public async Task AWebhookThatKeepsFailing_FailsTheRollback_WithAGenericMessage_NotTheRemoteText()
    {
        using var receiver = new WebhookReceiver(failuresFirst: 10);
        var change = await AppliedExternalAsync(receiver.Url);

        var outcome = await Rollbacks.RunAsync(fixture.OnCall, new RollbackRequest(change.Id, "Pool exhausts the database"));

        Assert.False(outcome.Succeeded);
        Assert.Equal("The webhook did not accept the rollback: HTTP 503 (3 tries).", outcome.Message);
        Assert.Equal(ChangeStatus.RollbackFailed, (await Registry.GetAsync(change.Id))!.Status);
        await using var db = PostgresClusterFixture.ContextFor(fixture.StoreConnectionString);
        var audited = await db.AuditEntries.Where(e => e.Subject == $"change:{change.Number}" && e.Action.StartsWith("rollback.")).ToListAsync();
        Assert.Contains(audited, e => e.Details.Contains("HTTP 503"));
        Assert.DoesNotContain(audited, e => e.Details.Contains("internal-detail"));
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://localhost:8080/hook")]
    [InlineData("http://10.0.0.5/hook")]
    [InlineData("https://hooks.example.com/rollback")]
    public async Task AWebhookToAHostThatIsNotAllowed_IsRefusedAtRegistration(string url)
    {
        var refused = await Assert.ThrowsAsync<DomainRuleException>(() => RegisterAsync(url));

        Assert.Equal("RollbackWebhookUrl", refused.Field);
        Assert.Contains("not among the allowed webhook hosts", refused.Message);
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
}
