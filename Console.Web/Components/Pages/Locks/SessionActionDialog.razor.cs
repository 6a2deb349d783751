using Microsoft.AspNetCore.Components;
using MudBlazor;
using OpsConsole.Domain.Locks;
using OpsConsole.Web.Components.Shared;

namespace OpsConsole.Web.Components.Pages.Locks;

/// <summary>
/// Confirms a cancel or terminate with a reason, then runs it. <see cref="SessionActions"/> decides who may and what
/// a reason needs; its refusals show here, on the reason or above the buttons.
/// </summary>
public partial class SessionActionDialog : ActorComponentBase
{
    [Inject] public required SessionActions Actions { get; init; }

    [CascadingParameter] public required IMudDialogInstance Dialog { get; init; }
    [Parameter, EditorRequired] public required Guid TargetId { get; set; }
    [Parameter, EditorRequired] public required Backend Backend { get; set; }
    [Parameter, EditorRequired] public required SessionAction Action { get; set; }
    [Parameter] public int Blocks { get; set; }

    private string? reason;
    private string? ReasonError => Errors.For("Reason");

    internal static string ActionText(SessionAction action) => action == SessionAction.TerminateSession ? "Terminate session" : "Cancel query";

    private string ConfirmText => ActionText(Action);

    /// <summary>Opens the dialog; the result when the action ran (whatever PostgreSQL said), null when cancelled.</summary>
    public static async Task<SessionActionResult?> ShowAsync(IDialogService dialogs, Guid targetId, Backend backend, SessionAction action, int blocks)
    {
        var parameters = new DialogParameters<SessionActionDialog>
        {
            { d => d.TargetId, targetId }, { d => d.Backend, backend }, { d => d.Action, action }, { d => d.Blocks, blocks },
        };
        var options = new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = true };
        var reference = await dialogs.ShowAsync<SessionActionDialog>($"{ActionText(action)} {backend.Pid}?", parameters, options);
        var result = await reference.Result;
        return result is { Canceled: false, Data: SessionActionResult done } ? done : null;
    }

    private async Task ConfirmAsync()
    {
        SessionActionResult? result = null;
        // Not the circuit's token: a closed tab must not leave the signal half sent and unaudited.
        if (await RunAsync(async actor => result = await Actions.RunAsync(actor, TargetId, Backend.Pid, reason ?? "", Action, CancellationToken.None)))
            Dialog.Close(DialogResult.Ok(result!));
    }

    private void Cancel() => Dialog.Cancel();
}
