using Microsoft.AspNetCore.Components;
using MudBlazor;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Targets;

namespace OpsConsole.Web.Components.Pages.Admin;

/// <summary>Edits one target: each action is its own audited domain call, and the page reloads the row after it.</summary>
public partial class TargetEditor
{
    [Inject] public required TargetRegistry Targets { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }

    [Parameter, EditorRequired] public required TargetSummary Target { get; set; }
    [Parameter] public EventCallback OnChanged { get; set; }
    [Parameter] public EventCallback OnClose { get; set; }

    private Guid shownId;
    private string? connectionString, scriptRole, retireReason;
    private TargetEnvironment environment;

    protected override void OnParametersSet()
    {
        // A fresh form for another target; the same target reloaded keeps what is being typed.
        if (shownId == Target.Id)
            return;
        shownId = Target.Id;
        (connectionString, retireReason, scriptRole, environment) = (null, null, Target.ScriptRole, Target.Environment);
        Errors.Clear();
    }

    private async Task RotateAsync()
    {
        var secret = connectionString ?? "";
        // The secret leaves the circuit's memory whatever happens; a failed attempt is typed again.
        connectionString = null;
        await EditAsync(actor => Targets.RotateConnectionAsync(actor, Target.Id, secret), "New connection tested and saved.");
    }

    private Task ChangeEnvironmentAsync() =>
        EditAsync(actor => Targets.ChangeEnvironmentAsync(actor, Target.Id, environment), $"{Target.Name} is now a {environment} target.");

    private Task SetScriptRoleAsync() =>
        EditAsync(actor => Targets.SetScriptRoleAsync(actor, Target.Id, scriptRole),
            string.IsNullOrWhiteSpace(scriptRole) ? "SQL changes run as the console's login role." : $"SQL changes run as {scriptRole!.Trim()}.");

    private Task ToggleDangerousAsync() =>
        EditAsync(actor => Targets.SetAllowDangerousSettingsAsync(actor, Target.Id, !Target.AllowDangerousSettings),
            Target.AllowDangerousSettings ? "Dangerous settings are refused again." : "Dangerous settings are allowed on this target.");

    private Task PauseAsync() => EditAsync(actor => Targets.PauseAsync(actor, Target.Id), $"Monitoring of {Target.Name} paused.");

    private Task ResumeAsync() => EditAsync(actor => Targets.ResumeAsync(actor, Target.Id), $"Monitoring of {Target.Name} resumed.");

    private async Task RetireAsync()
    {
        if (await EditAsync(actor => Targets.RetireAsync(actor, Target.Id, retireReason ?? ""), $"{Target.Name} is retired."))
            await OnClose.InvokeAsync();
    }

    private async Task<bool> EditAsync(Func<Actor, Task> edit, string done)
    {
        if (!await RunAsync(edit))
            return false;
        Snackbar.Add(done, Severity.Success);
        await OnChanged.InvokeAsync();
        return true;
    }
}
