namespace OpsConsole.Domain.Changes;

/// <summary>
/// Which pg_settings rows drift detection compares. Drift is a change to the target's configuration; what the
/// detector's own session shows besides is not, or one out-of-band change would be reported twice (and its rollback
/// a third time):
/// <list type="bullet">
/// <item>values the session derives or was given: source <c>client</c> (the driver's startup packet: application_name,
/// client_encoding, options), <c>session</c> (SET), <c>override</c> (forced by the server for this session:
/// transaction_isolation and its two siblings mirror default_transaction_* in every new session);</item>
/// <item>values nobody can set (context <c>internal</c>: server_version, lc_collate, segment_size, shared_memory_size,
/// which the server computes from shared_buffers): they move only with an upgrade, initdb or another setting, and no
/// rollback could restore them;</item>
/// <item>and, by name, the mirrors and session identities, whatever source a server version reports for them, and the
/// port (a target that moves is followed, not drifted).</item>
/// </list>
/// </summary>
public static class DriftScope
{
    private static readonly HashSet<string> SessionSources = ["client", "session", "override"];

    /// <summary>Settings that mirror another setting in each session, or name the session's own identity.</summary>
    private static readonly HashSet<string> Mirrors = new(StringComparer.OrdinalIgnoreCase)
    {
        "transaction_isolation",   // default_transaction_isolation
        "transaction_read_only",   // default_transaction_read_only
        "transaction_deferrable",  // default_transaction_deferrable
        "is_superuser", "session_authorization", "role", "application_name", "client_encoding",
        // Where the server listens is how the console reaches it, not how it behaves: a target that moves is followed by
        // rotating its connection (the embedded default's demo cluster takes another port when its old one is taken).
        "port",
    };

    /// <summary>
    /// Whether a difference in <paramref name="after"/> can be drift. <paramref name="sourceBefore"/> is the source the
    /// last snapshot recorded: a value that came from the session on either side is the session's, not the target's.
    /// </summary>
    public static bool Compares(SettingInfo after, string? sourceBefore) =>
        !Mirrors.Contains(after.Name)
        && after.Context != "internal"
        && !SessionSources.Contains(after.Source)
        && (sourceBefore is null || !SessionSources.Contains(sourceBefore));
}
