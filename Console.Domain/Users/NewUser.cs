namespace OpsConsole.Domain.Users;

public sealed record NewUser(string UserName, string DisplayName, string Password, IReadOnlyList<string> Roles);

/// <summary>A user as the Admin page lists them.</summary>
public sealed record UserSummary(string Id, string UserName, string DisplayName, IReadOnlyList<string> Roles, bool IsDisabled,
    DateTimeOffset? LockedOutUntil, DateTimeOffset CreatedAt);
