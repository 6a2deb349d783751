using OpsConsole.Domain;

namespace OpsConsole.Web.Api;

/// <summary>Query-string values are single lines of text: a NUL or another control character is refused by name, never sent to the store.</summary>
public static class QueryText
{
    public static Dictionary<string, string[]> Check(params (string Field, string? Value)[] parameters)
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var (field, value) in parameters)
            if (value is not null && TextRules.Problem(value, multiLine: false) is { } problem)
                errors[field] = [$"'{field}' {problem}."];
        return errors;
    }
}
