namespace OpsConsole.Domain;

/// <summary>What a broken rule is about: the request's input, the state of the thing acted on, or who is asking.</summary>
public enum RuleBar
{
    /// <summary>The input is wrong (a value, a missing reason): the default.</summary>
    Input,
    /// <summary>The thing is not in a state that allows it now (an applied change cannot be approved): a conflict over HTTP.</summary>
    State,
    /// <summary>This person may not, whatever their roles (the two-person rule): forbidden over HTTP.</summary>
    Person,
}

/// <summary>A request the domain refuses for a reason the user can act on; the message is shown as is.</summary>
public sealed class DomainRuleException(string message, string? field = null) : Exception(message)
{
    /// <summary>The input field the message is about, when there is one (forms show it inline).</summary>
    public string? Field { get; } = field;

    /// <summary>What the rule is about; pages show every refusal alike, the API answers 400, 409 or 403 by it.</summary>
    public RuleBar Bar { get; init; }
}
