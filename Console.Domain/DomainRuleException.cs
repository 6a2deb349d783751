namespace OpsConsole.Domain;

/// <summary>A request the domain refuses for a reason the user can act on; the message is shown as is.</summary>
public sealed class DomainRuleException(string message, string? field = null) : Exception(message)
{
    /// <summary>The input field the message is about, when there is one (forms show it inline).</summary>
    public string? Field { get; } = field;
}
