using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Changes;
using OpsConsole.Domain.Rollbacks;
using OpsConsole.Domain.Rollbacks.Actions;
using OpsConsole.Web.Components.Pages.Changes;

namespace OpsConsole.Tests.Components;

public sealed class RollbackComponentsTests : ChangeActionsContext
{
    public RollbackComponentsTests()
    {
        // Rendering never runs a rollback (that is the browser tests' business), so the procedure gets no store.
        Services.AddSingleton(new RollbackProcedure(null!, null!, [new ChecklistRollback()], null!, null!, null!, null!, null!, null!, TimeProvider.System, null!));
    }

    private static ConfigChange AppliedExternal(string steps)
    {
        var now = DateTimeOffset.UtcNow;
        var change = ConfigChange.ForExternal(Guid.NewGuid(), new ChangeDetails("Raise the pooler size", "Peak load.", null, ChangeRisk.Low, null),
            "pgbouncer default_pool_size 20 → 40", steps, null, Author, now);
        change.Submit(Author, now);
        change.Approve(Reviewer, "", now);
        change.MarkAppliedOutsideConsole(Author, now, now);
        return change;
    }

    [Fact]
    public void OnCall_IsOfferedRollback_OnAnAppliedChange_AViewerIsNot()
    {
        var change = AppliedExternal("Set default_pool_size back to 20");

        Assert.True(HasButton(Actions(change, OnCall), "Rollback"));
        Assert.False(HasButton(Actions(change, Viewer), "Rollback"));
    }

    [Fact]
    public async Task AnExternalChangeWithoutWebhook_CanBeConfirmedOnlyOnceEveryManualStepIsTicked()
    {
        var change = AppliedExternal("Set default_pool_size back to 20\nReload pgbouncer");
        var provider = Render<MudDialogProvider>();
        var parameters = new DialogParameters<RollbackDialog> { { d => d.Change, change }, { d => d.Actor, OnCall } };
        await provider.InvokeAsync(() => Services.GetRequiredService<IDialogService>().ShowAsync<RollbackDialog>("Roll back", parameters));

        var confirm = () => provider.WaitForElement("button:contains('Confirm rollback')");
        Assert.Contains("Confirm each manual rollback step below", provider.Find("[data-testid=rollback-procedure]").TextContent);
        var boxes = provider.FindAll("[data-testid=rollback-checklist] input[type=checkbox]");
        Assert.Equal(2, boxes.Count);
        Assert.True(confirm().HasAttribute("disabled"));

        provider.FindAll("[data-testid=rollback-checklist] input[type=checkbox]")[0].Change(true);
        Assert.True(confirm().HasAttribute("disabled"));
        provider.FindAll("[data-testid=rollback-checklist] input[type=checkbox]")[1].Change(true);
        provider.WaitForAssertion(() => Assert.False(confirm().HasAttribute("disabled")));
    }

    [Fact]
    public async Task FromAnIncident_TheReasonIsFilledIn_EditableAndStillRequired()
    {
        var change = AppliedExternal("Set default_pool_size back to 20");
        var provider = Render<MudDialogProvider>();
        var parameters = new DialogParameters<RollbackDialog>
        {
            { d => d.Change, change }, { d => d.Actor, OnCall }, { d => d.SuggestedReason, "Incident #7: Checkout failing" },
        };
        await provider.InvokeAsync(() => Services.GetRequiredService<IDialogService>().ShowAsync<RollbackDialog>("Roll back", parameters));

        var reason = () => provider.WaitForElement("textarea");
        Assert.Equal("Incident #7: Checkout failing", reason().GetAttribute("value") ?? reason().TextContent);
        provider.Find("[data-testid=rollback-checklist] input[type=checkbox]").Change(true);
        reason().Input("   ");
        provider.WaitForElement("button:contains('Confirm rollback')").Click();

        provider.WaitForAssertion(() => Assert.Contains("Say why the change is rolled back.", provider.Markup));
        Assert.Empty(provider.FindAll("[data-testid=rollback-steps]"));
    }
}
