using Microsoft.AspNetCore.Components;
using MudBlazor;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Rehearsals;

namespace OpsConsole.Web.Components.Pages.Rehearsals;

/// <summary>
/// The saved rehearsal profiles, for everyone signed in; DBAs and Admins are offered New, Edit and Delete. The buttons are
/// a courtesy: <see cref="RehearsalProfiles"/> checks <see cref="Permission.RunRehearsals"/> on every save and delete.
/// </summary>
public partial class RehearsalProfilesPage
{
    [Inject] public required RehearsalProfiles Profiles { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }

    private IReadOnlyList<RehearsalProfile>? profiles;
    private string? search;
    private bool canEdit;

    private IEnumerable<RehearsalProfile> Shown => string.IsNullOrWhiteSpace(search)
        ? profiles ?? []
        : (profiles ?? []).Where(p => p.Name.Contains(search.Trim(), StringComparison.OrdinalIgnoreCase));

    protected override async Task OnInitializedAsync()
    {
        canEdit = (await ActorAsync()).Can(Permission.RunRehearsals);
        await ReloadAsync();
    }

    private async Task ReloadAsync() => profiles = await Profiles.ListAsync();

    private async Task NewAsync()
    {
        if (await RehearsalProfileDialog.ShowAsync(Dialogs, null, await ActorAsync()) is { } saved)
        {
            Snackbar.Add($"Saved {saved}.", Severity.Success);
            await ReloadAsync();
        }
    }

    private async Task EditAsync(RehearsalProfile profile)
    {
        if (await RehearsalProfileDialog.ShowAsync(Dialogs, profile, await ActorAsync()) is { } saved)
        {
            Snackbar.Add($"Saved {saved}.", Severity.Success);
            await ReloadAsync();
        }
    }

    private async Task DeleteAsync(RehearsalProfile profile)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync("Delete rehearsal profile",
            $"Delete {profile.Name}? Rehearsals already run keep the settings they ran with; new ones can no longer choose it.",
            yesText: "Delete", cancelText: "Cancel");
        if (confirmed != true)
            return;
        if (await RunAsync(actor => Profiles.DeleteAsync(actor, profile.Id)))
            Snackbar.Add($"Deleted {profile.Name}.", Severity.Success);
        await ReloadAsync();
    }
}
