namespace OpsConsole.Domain.Changes;

/// <summary>The last pg_settings a drift check saw on a target (name → setting), kept across console restarts.</summary>
public sealed class SettingSnapshot
{
    public Guid TargetId { get; private set; }
    public DateTimeOffset TakenAt { get; private set; }
    public Dictionary<string, string> Settings { get; private set; } = [];
    /// <summary>pg_settings.source per name: a rollback of a detected change needs to know whether to RESET.</summary>
    public Dictionary<string, string> Sources { get; private set; } = [];

    private SettingSnapshot() { }

    public SettingSnapshot(Guid targetId, DateTimeOffset takenAt, IReadOnlyList<SettingInfo> settings)
    {
        TargetId = targetId;
        Replace(takenAt, settings);
    }

    public void Replace(DateTimeOffset takenAt, IReadOnlyList<SettingInfo> settings)
    {
        TakenAt = takenAt;
        Settings = settings.ToDictionary(s => s.Name, s => s.Setting);
        Sources = settings.ToDictionary(s => s.Name, s => s.Source);
    }
}
