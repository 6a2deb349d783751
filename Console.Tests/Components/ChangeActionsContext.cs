using Bunit;
using Microsoft.Extensions.DependencyInjection;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Changes;
using OpsConsole.Web.Components.Pages.Changes;

namespace OpsConsole.Tests.Components;

/// <summary>The change page's actions, rendered for the usual cast: an author, a second DBA, an on-call engineer and a viewer.</summary>
public abstract class ChangeActionsContext : ConsoleComponentContext
{
    protected static readonly Actor Author = new("u-dba1", "dba1", [Roles.Dba]);
    protected static readonly Actor Reviewer = new("u-dba2", "dba2", [Roles.Dba]);
    protected static readonly Actor OnCall = new("u-oncall", "oncall", [Roles.OnCall]);
    protected static readonly Actor Viewer = new("u-viewer", "viewer", [Roles.Viewer]);

    protected ChangeActionsContext()
    {
        // Rendering never calls the services (clicks are the browser tests' business), so they get no store.
        Services.AddSingleton(new ChangeRegistry(null!, null!, null!, null!, null!, null!, TimeProvider.System, null!, null!));
        Services.AddSingleton(new ChangeApplier(null!, null!, null!, null!, null!, null!, null!, null!, null!, TimeProvider.System));
    }

    protected IRenderedComponent<ChangeActions> Actions(ConfigChange change, Actor actor) =>
        Render<ChangeActions>(p => p.Add(a => a.Change, change).Add(a => a.Actor, actor));

    protected static bool HasButton(IRenderedComponent<ChangeActions> actions, string name) =>
        actions.FindAll("button").Any(b => b.TextContent.Trim() == name);
}
