using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using OpsConsole.Domain.ApiKeys;

namespace OpsConsole.Web.Hosting.Auth;

/// <summary>Authorization policies of the API: authenticated by the ApiKey scheme only, and holding one of the scopes.</summary>
public static class ApiKeyPolicies
{
    private const string Prefix = "ApiScope:";

    /// <summary>Registering changes.</summary>
    public const string ChangesWrite = Prefix + ApiScopes.ChangesWrite;

    /// <summary>Sending checkout events.</summary>
    public const string EventsWrite = Prefix + ApiScopes.EventsWrite;

    /// <summary>Reading the registry: a key that may write changes may read them back.</summary>
    public const string Read = Prefix + ApiScopes.Read + "|" + ApiScopes.ChangesWrite;

    /// <summary>Sending alerts (Alertmanager, scripts).</summary>
    public const string AlertsWrite = Prefix + ApiScopes.AlertsWrite;

    /// <summary>Running incidents (open, notes): personal tokens only hold this scope.</summary>
    public const string IncidentsWrite = Prefix + ApiScopes.IncidentsWrite;

    /// <summary>Rolling changes back: personal tokens only hold this scope.</summary>
    public const string RollbacksWrite = Prefix + ApiScopes.RollbacksWrite;

    /// <summary>Approving and rejecting changes: personal tokens only hold this scope.</summary>
    public const string ChangesReview = Prefix + ApiScopes.ChangesReview;

    /// <summary>Applying approved changes to their target: personal tokens only hold this scope.</summary>
    public const string ChangesApply = Prefix + ApiScopes.ChangesApply;

    /// <summary>Following rollback runs: whoever may read, or start one.</summary>
    public const string RollbacksRead = Prefix + ApiScopes.Read + "|" + ApiScopes.ChangesWrite + "|" + ApiScopes.RollbacksWrite;

    /// <summary>Rehearsing changes on staging: personal tokens only hold this scope.</summary>
    public const string RehearsalsWrite = Prefix + ApiScopes.RehearsalsWrite;

    /// <summary>Following rehearsals: whoever may read, or start one (so that the command line needs one scope).</summary>
    public const string RehearsalsRead = Prefix + ApiScopes.Read + "|" + ApiScopes.ChangesWrite + "|" + ApiScopes.RehearsalsWrite;

    /// <summary>The scopes a policy of this class accepts (empty for any other policy).</summary>
    public static IReadOnlyList<string> ScopesOf(string? policy) =>
        policy is not null && policy.StartsWith(Prefix, StringComparison.Ordinal) ? policy[Prefix.Length..].Split('|') : [];

    public static IServiceCollection AddApiKeyAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        var authorization = services.AddAuthorizationBuilder();
        foreach (var policy in new[] { ChangesWrite, EventsWrite, Read, AlertsWrite, IncidentsWrite, RollbacksWrite, RollbacksRead, ChangesReview, ChangesApply,
                     RehearsalsWrite, RehearsalsRead })
            authorization.AddPolicy(policy, p => p
                .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName)
                .RequireAuthenticatedUser()
                .RequireClaim(ApiKeyAuthenticationHandler.ScopeClaim, ScopesOf(policy)));
        return services;
    }
}
