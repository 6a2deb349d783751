using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using OpsConsole.Domain.Access;
using OpsConsole.Web.Hosting.Auth;
using OpsConsole.Web.Refusals;

namespace OpsConsole.Web.Components.Shared;

/// <summary>
/// For every component that changes things: runs a mutation as the signed-in person and shows the domain's refusal
/// where it belongs: on the field it names, or above the form. A refusal is what <see cref="Refusal.Of"/> knows (a broken
/// rule, access denied, a rollback that cannot start, a target that does not answer); anything else is a fault and goes
/// to the error UI. The domain decides; the page never second-guesses it, and no component catches the driver's exceptions.
/// </summary>
public abstract class ActorComponentBase : ComponentBase
{
    [CascadingParameter] public required Task<AuthenticationState> AuthState { get; init; }

    protected FormErrors Errors { get; } = new();

    protected bool Busy { get; private set; }

    /// <summary>The signed-in person; a component handed the actor by its page returns that one.</summary>
    protected virtual async Task<Actor> ActorAsync() => (await AuthState).User.ToActor();

    /// <summary>True when the mutation went through; otherwise <see cref="Errors"/> says why.</summary>
    protected async Task<bool> RunAsync(Func<Actor, Task> mutation)
    {
        Errors.Clear();
        Busy = true;
        try
        {
            var actor = await ActorAsync();
            if (await RefusalOfAsync(() => mutation(actor)) is not { } refusal)
                return true;
            Errors.Add(refusal.Field, refusal.Message);
            return false;
        }
        finally
        {
            Busy = false;
        }
    }

    /// <summary>Runs work that the domain may refuse (a read from a target that does not answer): the refusal, or null when it went through.</summary>
    protected static async Task<Refusal?> RefusalOfAsync(Func<Task> work)
    {
        try
        {
            await work();
            return null;
        }
        catch (Exception e) when (Refusal.Of(e) is { } refusal)
        {
            return refusal;
        }
    }
}

/// <summary>The last refusal of a form: a message for one field, or for the form as a whole.</summary>
public sealed class FormErrors
{
    private string? field;

    public string? Message { get; private set; }

    /// <summary>The message when it is about the form as a whole (no field, or a field the form does not show).</summary>
    public string? FormMessage(params string[] shownFields) => field is null || !shownFields.Contains(field) ? Message : null;

    public bool Has(string name) => field == name;

    public string? For(string name) => field == name ? Message : null;

    public void Add(string? fieldName, string message) => (field, Message) = (fieldName, message);

    public void Clear() => (field, Message) = (null, null);
}
