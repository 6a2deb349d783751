using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using OpsConsole.Domain.Live;

namespace OpsConsole.Web.Components.Layout;

/// <summary>
/// Listens on the live bus (from this instance and, through the bridge, the others) and shows a snackbar with a link when an
/// incident opens, to signed-in users only. Later changes to an incident are the incident page's business: a snackbar for
/// each would bury the one that matters.
/// </summary>
public sealed partial class IncidentSnackbar : ComponentBase, IDisposable
{
    private IDisposable? subscription;
    private bool listening;

    [Inject] public required LiveEvents Live { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }

    [CascadingParameter] private Task<AuthenticationState>? Authentication { get; set; }

    public static string LinkTo(int number) => $"/incidents/{number}";

    // After the first render: only a live circuit shows snackbars, never a prerendered page.
    protected override void OnAfterRender(bool firstRender)
    {
        if (!firstRender)
            return;
        subscription = Live.Subscribe(OnEventAsync);
        listening = true;
        StateHasChanged();
    }

    private async Task OnEventAsync(OpsEvent e)
    {
        if (e is not IncidentUpdated { Opened: true } incident || !await IsSignedInAsync())
            return;
        await InvokeAsync(() => Snackbar.Add(Message(incident), SeverityOf(incident.Severity), options =>
        {
            options.RequireInteraction = true;
            options.ShowCloseIcon = true;
            options.CloseAfterNavigation = true;
        }, key: $"incident-opened-{incident.IncidentId}"));
    }

    private async Task<bool> IsSignedInAsync() =>
        Authentication is not null && (await Authentication).User.Identity?.IsAuthenticated == true;

    /// <summary>SEV1 and SEV2 in red, SEV3 amber, the rest blue.</summary>
    public static Severity SeverityOf(string severity) => severity.Trim().ToUpperInvariant() switch
    {
        "SEV1" or "SEV2" => Severity.Error,
        "SEV3" => Severity.Warning,
        _ => Severity.Info,
    };

    public void Dispose() => subscription?.Dispose();
}
