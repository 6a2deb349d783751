namespace OpsConsole.Domain.Locks;

/// <summary>
/// What a capped wait-for graph left out: how many sessions, waits and head blockers (whose whole trees were left
/// out), and the exact counts of the kept sessions that lost waiters (<see cref="Blocks"/> direct,
/// <see cref="Behind"/> direct and transitive), keyed by pid. Stored with a snapshot, so its figures stay exact.
/// </summary>
public sealed record GraphOmissions(int Sessions, int Waits, int Heads, Dictionary<int, int> Blocks, Dictionary<int, int> Behind);

public sealed partial class WaitForGraph
{
    /// <summary>
    /// At most <paramref name="maxSessions"/> sessions in full, the rest counted in <see cref="Omitted"/>, so that a
    /// tick costs the same to keep and to draw however many sessions pile up. Kept first: whole cycles (deadlocks
    /// forming), then every head blocker with one of its waiters (largest tree first), then breadth-first from the
    /// heads, layer by layer, sessions that block others before those that only wait, longest wait first. A session
    /// is kept only with one of its blockers, so the capped graph has no head the full one lacks, and its trees and
    /// waiting counts are the full graph's.
    /// </summary>
    public WaitForGraph Capped(int maxSessions)
    {
        if (sessions.Count <= maxSessions || Omitted is not null)
            return this;
        var keep = new bool[sessions.Count];
        var kept = 0;

        var dropped = new bool[sessions.Count]; // members of cycles too large for the room left: none of a cycle, or all of it
        foreach (var cycle in Cycles)
        {
            var fits = kept + cycle.Count <= maxSessions; // cycles are disjoint: none of its members is kept yet
            foreach (var member in cycle.Select(sessions.IndexOf))
                if (fits)
                    Keep(member);
                else
                    dropped[member] = true;
        }
        foreach (var tree in Trees)
        {
            if (kept + 2 > maxSessions)
                break;
            var head = sessions.IndexOf(tree.HeadPid);
            foreach (var waiter in waiters.Of(head))
                if (!dropped[waiter])
                {
                    Keep(head);
                    Keep(waiter);
                    break;
                }
        }
        foreach (var layer in Layout().Layers)
        {
            var candidates = layer.Select(sessions.IndexOf).Where(s => !keep[s] && !dropped[s] && HasKeptBlocker(s))
                .OrderByDescending(s => waiters.Degree(s) > 0)
                .ThenByDescending(s => sessions.PidOf(s) is var pid && Nodes[pid].WaitDuration is { } wait ? wait : TimeSpan.Zero)
                .ThenBy(sessions.PidOf);
            foreach (var session in candidates)
                if (kept < maxSessions)
                    Keep(session);
            if (kept >= maxSessions)
                break;
        }

        var backends = Nodes.Values.Where(b => keep[sessions.IndexOf(b.Pid)]).ToList();
        var waits = Edges.Where(e => keep[sessions.IndexOf(e.WaiterPid)] && keep[sessions.IndexOf(e.BlockerPid)]).ToList();
        var part = Build(backends, waits);
        var blocks = new Dictionary<int, int>();
        var behind = new Dictionary<int, int>();
        foreach (var backend in backends)
        {
            var pid = backend.Pid;
            if (BlocksDirectly(pid) != part.BlocksDirectly(pid))
                blocks[pid] = BlocksDirectly(pid);
            if (WaitingBehind(pid) != part.WaitingBehind(pid))
                behind[pid] = WaitingBehind(pid);
        }
        var heads = HeadBlockers.Count(pid => !keep[sessions.IndexOf(pid)]);
        return Build(backends, waits, new GraphOmissions(sessions.Count - kept, Edges.Count - waits.Count, heads, blocks, behind));

        void Keep(int session)
        {
            if (!keep[session])
                (keep[session], kept) = (true, kept + 1);
        }

        bool HasKeptBlocker(int session)
        {
            foreach (var blocker in blockers.Of(session))
                if (keep[blocker])
                    return true;
            return false;
        }
    }
}
