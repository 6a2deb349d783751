using Microsoft.AspNetCore.Components;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Incidents;
using OpsConsole.Web.Components.Shared;

namespace OpsConsole.Web.Components.Pages.Incidents;

/// <summary>
/// The incident's timeline in order, one icon per kind, notes rendered through <see cref="MarkdownView"/> (never as raw
/// HTML). Notes are added, edited and deleted here; each edit or deletion is a new entry that keeps the old text.
/// </summary>
public partial class IncidentTimeline : ActorComponentBase
{
    [Inject] public required IncidentService Incidents { get; init; }

    [Parameter, EditorRequired] public required IncidentDetail Detail { get; set; }
    [Parameter, EditorRequired] public required Actor Actor { get; set; }
    [Parameter] public bool CanManage { get; set; }

    private string? newNote, editText;
    private long? editing, deleting;

    protected override Task<Actor> ActorAsync() => Task.FromResult(Actor);

    /// <summary>Only a note's author edits or deletes it (the domain says the same).</summary>
    private bool IsOwn(NoteState note) => CanManage && !note.Deleted && note.AuthorId == Actor.AuthorId;

    private async Task AddAsync()
    {
        if (await RunAsync(actor => Incidents.AddNoteAsync(actor, Detail.Incident.Id, newNote ?? "")))
            newNote = null;
    }

    private void StartEdit(NoteState note) => (editing, editText, deleting) = (note.NoteId, note.Text, null);

    private void CancelEdit() => (editing, editText) = (null, null);

    private async Task SaveEditAsync(NoteState note)
    {
        if (await RunAsync(actor => Incidents.EditNoteAsync(actor, Detail.Incident.Id, note.NoteId, editText ?? "")))
            CancelEdit();
    }

    private async Task DeleteAsync(NoteState note)
    {
        if (await RunAsync(actor => Incidents.DeleteNoteAsync(actor, Detail.Incident.Id, note.NoteId)))
            deleting = null;
    }
}
