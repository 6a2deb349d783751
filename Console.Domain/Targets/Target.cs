using System.Linq.Expressions;

namespace OpsConsole.Domain.Targets;

public enum TargetEnvironment { Production, Staging, Other }

/// <summary>A monitored PostgreSQL database. Its connection string is stored encrypted (Data Protection).</summary>
public sealed class Target
{
    public Guid Id { get; private set; } = Guid.NewGuid();
    public string Name { get; private set; } = "";
    public TargetEnvironment Environment { get; private set; }
    /// <summary>The connection string, encrypted with the console's Data Protection keys; never shown or logged.</summary>
    public string ProtectedConnectionString { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }

    public bool? Reachable { get; private set; }
    public string? ServerVersion { get; private set; }
    public string? LastError { get; private set; }
    public DateTimeOffset? LastCheckedAt { get; private set; }

    /// <summary>Set while monitoring is paused: neither the lock sampler nor the drift detector visits the target.</summary>
    public DateTimeOffset? PausedAt { get; private set; }
    /// <summary>Set once the target is retired: it keeps its name and history but takes no changes and is never visited again.</summary>
    public DateTimeOffset? RetiredAt { get; private set; }
    /// <summary>The role SQL changes run as (SET LOCAL ROLE); null runs them as the console's own login role.</summary>
    public string? ScriptRole { get; private set; }
    /// <summary>Whether setting changes may touch settings that run commands or load code (see DangerousSettings).</summary>
    public bool AllowDangerousSettings { get; private set; }
    /// <summary>A staging cluster the console created on this machine for rehearsals, and removes again (IThrowawayStaging).</summary>
    public bool IsThrowaway { get; private set; }

    public bool IsRetired => RetiredAt is not null;
    public bool IsMonitored => PausedAt is null && RetiredAt is null;

    /// <summary><see cref="IsMonitored"/> as a query filter, for the background loops that read the targets table.</summary>
    public static readonly Expression<Func<Target, bool>> Monitored = t => t.PausedAt == null && t.RetiredAt == null;

    private Target() { }

    public Target(string name, TargetEnvironment environment, string protectedConnectionString, DateTimeOffset now)
    {
        Name = name;
        Environment = environment;
        ProtectedConnectionString = protectedConnectionString;
        CreatedAt = now;
    }

    /// <summary>A throwaway staging cluster's target: always Staging, marked so that it is removed with its cluster.</summary>
    public static Target ThrowawayStaging(string name, string protectedConnectionString, DateTimeOffset now) =>
        new(name, TargetEnvironment.Staging, protectedConnectionString, now) { IsThrowaway = true };

    public void RotateConnection(string protectedConnectionString) => ProtectedConnectionString = protectedConnectionString;

    public void RecordCheck(DateTimeOffset at, string? serverVersion, string? error)
    {
        LastCheckedAt = at;
        Reachable = error is null;
        ServerVersion = serverVersion ?? ServerVersion;
        LastError = error;
    }

    public void ChangeEnvironment(TargetEnvironment environment)
    {
        DemandActive();
        if (!System.Enum.IsDefined(environment))
            throw new DomainRuleException("The environment is Production, Staging or Other.", "Environment");
        if (environment == Environment)
            throw new DomainRuleException($"{Name} is already a {environment} target.", "Environment");
        Environment = environment;
    }

    public void Pause(DateTimeOffset now)
    {
        DemandActive();
        if (PausedAt is not null)
            throw new DomainRuleException($"Monitoring of {Name} is already paused.");
        PausedAt = now;
    }

    public void Resume()
    {
        DemandActive();
        if (PausedAt is null)
            throw new DomainRuleException($"{Name} is not paused.");
        PausedAt = null;
    }

    public void Retire(DateTimeOffset now)
    {
        DemandActive();
        RetiredAt = now;
        PausedAt = null;
    }

    /// <summary>Sets the role SQL changes run as; the name was checked by <see cref="ScriptRoleName"/> and on the target.</summary>
    public void SetScriptRole(string? role)
    {
        DemandActive();
        ScriptRole = role is null ? null : ScriptRoleName.Require(role);
    }

    public void SetAllowDangerousSettings(bool allow)
    {
        DemandActive();
        if (allow == AllowDangerousSettings)
            throw new DomainRuleException(allow ? $"{Name} already allows dangerous settings." : $"{Name} already refuses dangerous settings.");
        AllowDangerousSettings = allow;
    }

    /// <summary>A retired target is history: it can be read, never edited, resumed or changed again.</summary>
    public void DemandActive()
    {
        if (RetiredAt is { } at)
            throw new DomainRuleException($"{Name} was retired on {at.UtcDateTime:yyyy-MM-dd}: a retired target keeps its history and takes no changes.");
    }
}
