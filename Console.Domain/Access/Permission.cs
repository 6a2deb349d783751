namespace OpsConsole.Domain.Access;

/// <summary>Everything a person can do to the console or a target, beyond reading.</summary>
public enum Permission
{
    RegisterChange,
    ReviewChange,
    ApplyChange,
    RollbackChange,
    TerminateSession,
    ManageIncidents,
    ManageTargets,
    ManageDemoShop,
    ManageUsers,
    ManageApiKeys,
    /// <summary>Sending alerts from outside (Alertmanager, scripts): a page opens an incident.</summary>
    SendAlerts,
    ManageAlertRules,
    /// <summary>Rehearsing a change under load on a staging target, and keeping the load profiles.</summary>
    RunRehearsals,
}
