namespace OpsConsole.Domain.Audit;

/// <summary>
/// Which audit entries to show or export. Every criterion is optional and they combine with AND; text criteria match
/// case-insensitively anywhere in the field. <see cref="From"/> and <see cref="To"/> are both inclusive.
/// </summary>
public sealed record AuditFilter(
    string? Actor = null,
    string? Action = null,
    string? Subject = null,
    int? ChangeNumber = null,
    AuditOutcome? Outcome = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    string? Search = null)
{
    public static readonly AuditFilter None = new();

    /// <summary>Changes are audited under the subject <c>change:N</c>.</summary>
    public string? ChangeSubject => ChangeNumber is { } number ? $"change:{number}" : null;
}
