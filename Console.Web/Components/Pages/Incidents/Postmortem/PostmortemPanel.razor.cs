using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Incidents.Postmortems;
using OpsConsole.Domain.Live;
using OpsConsole.Web.Components.Shared;

namespace OpsConsole.Web.Components.Pages.Incidents.Postmortem;

/// <summary>
/// An incident's postmortem: read it, draft it from the incident, edit it with a preview (each save a new version),
/// compare versions, download it as Markdown or print it, and track its action items. The domain decides who may change
/// it; a Viewer sees the text, the versions and the items, without a button that changes anything.
/// </summary>
public partial class PostmortemPanel : ActorComponentBase, IDisposable
{
    private enum Mode { Read, Edit, Versions }

    [Inject] public required PostmortemService Postmortems { get; init; }
    [Inject] public required LiveEvents Live { get; init; }
    [Inject] public required IJSRuntime JS { get; init; }

    [Parameter, EditorRequired] public Guid IncidentId { get; set; }

    /// <summary>The incident's facts, read when someone drafts; without it there is nothing to draft from.</summary>
    [Parameter] public Func<Task<PostmortemFacts>>? Facts { get; set; }

    /// <summary>The actor, when the page has it already; otherwise the signed-in person.</summary>
    [Parameter] public Actor? Actor { get; set; }

    /// <summary>The zone the draft writes its times in (the viewer's); UTC when not given.</summary>
    [Parameter] public TimeZoneInfo? Zone { get; set; }

    private PostmortemView? view;
    private Actor? actor;
    private bool canManage;
    private Mode mode;
    private string text = "";
    private IDisposable? subscription;
    private int editingBase;

    protected override Task<Actor> ActorAsync() => Actor is not null ? Task.FromResult(Actor) : base.ActorAsync();

    protected override async Task OnInitializedAsync()
    {
        actor = await ActorAsync();
        canManage = actor.Can(Permission.ManageIncidents);
        subscription = Live.Subscribe(e => e is PostmortemUpdated updated && updated.IncidentId == IncidentId ? InvokeAsync(ReloadAsync) : Task.CompletedTask);
        await ReloadAsync();
    }

    /// <summary>Re-reads the postmortem; text being edited stays as typed (a save over a newer version is refused, not lost).</summary>
    private async Task ReloadAsync()
    {
        view = await Postmortems.GetAsync(IncidentId);
        StateHasChanged();
    }

    private async Task DraftAsync()
    {
        if (Facts is null)
            return;
        // Read mode at once, not after the save: the live event may show the draft before this call returns.
        mode = Mode.Read;
        if (await RunAsync(async a => await Postmortems.DraftAsync(a, IncidentId, await Facts(), Zone)))
            await ReloadAsync();
    }

    private void StartEditing()
    {
        text = view?.Latest?.Markdown ?? "";
        editingBase = view?.Latest?.Number ?? 0;
        mode = Mode.Edit;
    }

    /// <summary>
    /// Saved as based on the version the editing began from, not the latest a live reload brought meanwhile: someone else's
    /// save in between must be refused (and the text kept), never silently overwritten.
    /// </summary>
    private async Task SaveAsync()
    {
        if (await RunAsync(a => Postmortems.SaveAsync(a, IncidentId, text, editingBase)))
        {
            mode = Mode.Read;
            await ReloadAsync();
        }
    }

    private async Task PrintAsync() => await JS.InvokeVoidAsync("print");

    private Variant TabVariant(Mode tab) => mode == tab ? Variant.Filled : Variant.Text;

    public void Dispose()
    {
        subscription?.Dispose();
        GC.SuppressFinalize(this);
    }
}
