using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace OpsConsole.Domain.Locks;

/// <summary>
/// The graph's sessions, numbered 0..Count-1 in the order first seen, so that the graph's passes run on int
/// arrays. It is also <see cref="WaitForGraph.Nodes"/>, which keeps the graph to one pid lookup instead of a
/// dictionary per question: at 10,000 lock rows those dictionaries and their garbage were the cost.
/// </summary>
internal sealed class SessionIndex : IReadOnlyDictionary<int, Backend>
{
    private readonly Dictionary<int, int> indexOf = [];
    private readonly List<int> pids = [];
    private readonly List<Backend> backends = [];

    public int Count => pids.Count;

    public int PidOf(int index) => pids[index];

    public int IndexOf(int pid) => indexOf[pid];

    public bool TryGetIndex(int pid, out int index) => indexOf.TryGetValue(pid, out index);

    /// <summary>Adds a sampled session; a second backend with the same pid is ignored.</summary>
    public void Add(Backend backend)
    {
        if (indexOf.TryAdd(backend.Pid, pids.Count))
            Append(backend);
    }

    /// <summary>The session's index, adding a bare node for a pid seen only in the lock rows.</summary>
    public int GetOrAddBare(int pid)
    {
        if (indexOf.TryGetValue(pid, out var index))
            return index;
        index = pids.Count;
        indexOf.Add(pid, index);
        Append(new Backend(pid, "", "", null, "unknown", null, null, ""));
        return index;
    }

    public int[] PidsOf(ReadOnlySpan<int> indexes)
    {
        var result = new int[indexes.Length];
        for (var i = 0; i < indexes.Length; i++)
            result[i] = pids[indexes[i]];
        return result;
    }

    private void Append(Backend backend)
    {
        pids.Add(backend.Pid);
        backends.Add(backend);
    }

    public Backend this[int pid] => backends[indexOf[pid]];
    public IEnumerable<int> Keys => pids;
    public IEnumerable<Backend> Values => backends;
    public bool ContainsKey(int pid) => indexOf.ContainsKey(pid);

    public bool TryGetValue(int pid, [MaybeNullWhen(false)] out Backend value)
    {
        value = indexOf.TryGetValue(pid, out var index) ? backends[index] : null;
        return value is not null;
    }

    public IEnumerator<KeyValuePair<int, Backend>> GetEnumerator()
    {
        for (var i = 0; i < pids.Count; i++)
            yield return new(pids[i], backends[i]);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>
/// Edges in compressed sparse rows: node i's targets are <c>targets[offsets[i]..offsets[i + 1])</c>, in the
/// order the edges were given. Two arrays for the whole graph instead of a list per session.
/// </summary>
internal sealed class Adjacency
{
    private readonly int[] offsets;
    private readonly int[] targets;

    private Adjacency(int[] offsets, int[] targets) => (this.offsets, this.targets) = (offsets, targets);

    /// <summary>
    /// Groups edge k (<paramref name="from"/>[k] to <paramref name="to"/>[k]) under its source; with no
    /// <paramref name="to"/>, the targets are the edge numbers k themselves.
    /// </summary>
    public static Adjacency Build(int nodeCount, int[] from, int[]? to = null)
    {
        var offsets = new int[nodeCount + 1];
        foreach (var source in from)
            offsets[source + 1]++;
        for (var node = 0; node < nodeCount; node++)
            offsets[node + 1] += offsets[node];
        // A counting sort, stable, so each node's targets keep the edges' order ("first row wins" relies on it).
        var cursor = offsets[..nodeCount];
        var targets = new int[from.Length];
        for (var edge = 0; edge < from.Length; edge++)
            targets[cursor[from[edge]]++] = to is null ? edge : to[edge];
        return new Adjacency(offsets, targets);
    }

    public ReadOnlySpan<int> Of(int node) => targets.AsSpan(offsets[node], offsets[node + 1] - offsets[node]);

    public int Degree(int node) => offsets[node + 1] - offsets[node];

    /// <summary>Where <paramref name="node"/>'s targets start and end, for walks that resume part-way.</summary>
    public int Start(int node) => offsets[node];

    public int End(int node) => offsets[node + 1];

    public int Target(int position) => targets[position];
}
