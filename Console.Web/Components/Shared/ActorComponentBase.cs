using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using OpsConsole.Domain;
using OpsConsole.Domain.Access;
using OpsConsole.Web.Hosting.Auth;

namespace OpsConsole.Web.Components.Shared;

/// <summary>
/// For components that change things: runs a mutation as the signed-in person and shows the domain's
/// refusal where it belongs (on the field it names, or above the form). The domain decides; the page
/// never second-guesses it.
/// </summary>
public abstract class ActorComponentBase : ComponentBase
{
    [CascadingParameter] public required Task<AuthenticationState> AuthState { get; init; }

    protected FormErrors Errors { get; } = new();

    protected bool Busy { get; private set; }

    protected async Task<Actor> ActorAsync() => (await AuthState).User.ToActor();

    /// <summary>True when the mutation went through; otherwise <see cref="Errors"/> says why.</summary>
    protected async Task<bool> RunAsync(Func<Actor, Task> mutation)
    {
        Errors.Clear();
        Busy = true;
        try
        {
            await mutation(await ActorAsync());
            return true;
        }
        catch (DomainRuleException rule)
        {
            Errors.Add(rule.Field, rule.Message);
            return false;
        }
        catch (AccessDeniedException denied)
        {
            Errors.Add(null, denied.Message);
            return false;
        }
        finally
        {
            Busy = false;
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
