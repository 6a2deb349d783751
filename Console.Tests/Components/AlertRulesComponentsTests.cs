using System.Security.Claims;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Alerts;
using OpsConsole.Domain.Alerts.Rules;
using OpsConsole.Domain.Audit;
using OpsConsole.Domain.Live;
using OpsConsole.Tests.Support;
using OpsConsole.Web.Components.Pages.Alerts;

namespace OpsConsole.Tests.Components;

/// <summary>
/// /admin/alert-rules over a real store: the page lists the rules, the edit dialog shows a refusal on the field it names and
/// saves nothing, a good edit is saved and audited under the admin, and the switch disables a rule.
/// </summary>
public sealed class AlertRulesComponentsTests : ConsoleComponentContext, IClassFixture<ConsoleAppFixture>
{
    private static int counter;
    private readonly ConsoleAppFixture fixture;

    public AlertRulesComponentsTests(ConsoleAppFixture fixture)
    {
        this.fixture = fixture;
        Services.AddSingleton(fixture.App.Service<AlertRuleService>());
        Services.AddSingleton(fixture.App.Service<LiveEvents>());
        var auth = AddAuthorization();
        auth.SetAuthorized("page-admin");
        auth.SetRoles(Roles.Admin);
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, "u-page-admin"));
    }

    private AlertRuleService Rules => fixture.App.Service<AlertRuleService>();

    private async Task<(Guid Id, string Name)> RuleAsync()
    {
        var name = $"Deadlocks page {Interlocked.Increment(ref counter)}";
        var id = await Rules.CreateAsync(Actor.System, AlertRuleKind.DeadlocksPerMinute,
            new AlertRuleSettings(name, AlertLevel.Ticket, 2, 0.5, TimeSpan.FromMinutes(5), TimeSpan.Zero, TimeSpan.FromMinutes(5)));
        return (id, name);
    }

    /// <summary>The input of a MudBlazor field marked with a test id (the id may sit on the input or on its wrapper).</summary>
    private static AngleSharp.Dom.IElement Input(IRenderedComponent<MudDialogProvider> dialog, string testId) =>
        dialog.Find($"input[data-testid={testId}], [data-testid={testId}] input");

    private (IRenderedComponent<AlertRulesPage> Page, IRenderedComponent<MudDialogProvider> Dialog) OpenEditor(string name)
    {
        var dialog = Render<MudDialogProvider>();
        var page = Render<AlertRulesPage>();
        page.WaitForElement($"[data-testid='rule-edit-{name}']").Click();
        dialog.WaitForElement("[data-testid=rule-save]");
        return (page, dialog);
    }

    [Fact]
    public async Task TheEditDialog_ShowsARefusalOnItsField_AndSavesNothing()
    {
        var (id, name) = await RuleAsync();
        var (_, dialog) = OpenEditor(name);

        Input(dialog, "rule-clear-threshold").Change("9");
        dialog.Find("[data-testid=rule-save]").Click();

        dialog.WaitForAssertion(() => Assert.Contains("The clear threshold is above zero and at most the threshold", dialog.Markup));
        Assert.Single(dialog.FindAll("[data-testid=rule-save]")); // still open
        Assert.Equal(0.5, (await Rules.GetAsync(id)).ClearThreshold);
    }

    [Fact]
    public async Task AGoodEdit_IsSaved_ShownInTheTable_AndAuditedUnderTheAdmin()
    {
        var (id, name) = await RuleAsync();
        var (page, dialog) = OpenEditor(name);

        Input(dialog, "rule-threshold").Change("5");
        Input(dialog, "rule-clear-threshold").Change("1");
        dialog.Find("[data-testid=rule-save]").Click();

        dialog.WaitForAssertion(() => Assert.Empty(dialog.FindAll("[data-testid=rule-save]")));
        page.WaitForAssertion(() => Assert.Equal("5 / min", page.Find($"[data-testid='rule-threshold-{name}']").TextContent.Trim()));
        Assert.Equal((5.0, 1.0), ((await Rules.GetAsync(id)).Threshold, (await Rules.GetAsync(id)).ClearThreshold));
        var audit = await fixture.App.Service<AuditQueries>().ListAsync(new AuditFilter(Subject: AlertRuleService.Subject(name)), 0, 10, default);
        Assert.Contains(audit.Entries, e => e.Action == "alert_rule.updated" && e.ActorName == "page-admin");
    }

    [Fact]
    public async Task TheSwitch_DisablesTheRule()
    {
        var (id, name) = await RuleAsync();
        var page = Render<AlertRulesPage>();

        page.WaitForElement($"[data-testid='rule-enabled-{name}'] input, input[data-testid='rule-enabled-{name}']").Change(false);

        await Poll.UntilAsync(() => Rules.GetAsync(id), r => !r.Enabled, TimeSpan.FromSeconds(10), "the rule disabled");
        page.WaitForAssertion(() => Assert.Contains("Off", page.Find($"[data-testid='rule-status-{name}']").TextContent));
    }
}
