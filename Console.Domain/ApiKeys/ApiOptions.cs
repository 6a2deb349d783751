namespace OpsConsole.Domain.ApiKeys;

/// <summary>
/// API keys provisioned from configuration (<c>Api:Keys</c>), for pipelines that get their key from a
/// secret store at deploy time instead of from the admin page. They cannot be revoked in the console:
/// remove them from configuration.
/// </summary>
public sealed class ApiOptions : IValidatedOptions
{
    public const string Section = "Api";
    public const int MinKeyLength = 24;

    public List<ConfiguredApiKey> Keys { get; set; } = [];

    /// <summary>The first problem with the configured keys, or null when they are usable.</summary>
    public string? Problem()
    {
        foreach (var (key, index) in Keys.Select((k, i) => (k, i)))
        {
            if (string.IsNullOrWhiteSpace(key.Name))
                return $"Api:Keys:{index}:Name is empty.";
            if ((key.Key ?? "").Length < MinKeyLength)
                return $"Api:Keys:{index}:Key (the key named {key.Name}) is shorter than {MinKeyLength} characters.";
            if (key.Scopes.Count == 0)
                return $"Api:Keys:{index}:Scopes (the key named {key.Name}) is empty: give at least one of {string.Join(", ", ApiScopes.All)}.";
            if (key.Scopes.FirstOrDefault(s => !ApiScopes.All.Contains(s)) is { } unknown)
                return $"Api:Keys:{index}:Scopes has the unknown scope '{unknown}': the scopes are {string.Join(", ", ApiScopes.All)}.";
            if (key.Scopes.FirstOrDefault(ApiScopes.PersonalOnly.Contains) is { } personal)
                return $"Api:Keys:{index}:Scopes (the key named {key.Name}) has the scope {personal}, which only a person's own token may hold " +
                       "(made at /account/tokens): a key from configuration acts for nobody in particular.";
            if (key.Scopes.Contains(ApiScopes.ChangesWrite) && string.IsNullOrWhiteSpace(key.Owner))
                return $"Api:Keys:{index}:Owner (the key named {key.Name}) is empty: a key with the scope {ApiScopes.ChangesWrite} names the " +
                       "console user it registers changes for, who then counts as their author and cannot approve them.";
        }
        var duplicate = Keys.GroupBy(k => k.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null ? null : $"Api:Keys names the key {duplicate.Key} more than once.";
    }
}

public sealed class ConfiguredApiKey
{
    public string Name { get; set; } = "";
    public string Key { get; set; } = "";
    public List<string> Scopes { get; set; } = [];

    /// <summary>The user name of the console user the key acts for (required with changes:write): the author of what it registers.</summary>
    public string? Owner { get; set; }
}
