using System.Collections;

namespace OpsConsole.Domain.Rehearsals.Workloads;

/// <summary>
/// A profile's scripts, compared by content: two profiles with the same scripts are equal, so that a record's equality
/// (and an edit's list of changed fields) sees the scripts themselves, not which list object holds them.
/// </summary>
public sealed class SqlScripts(IEnumerable<SqlScript>? scripts) : IReadOnlyList<SqlScript>, IEquatable<SqlScripts>
{
    public static readonly SqlScripts None = new([]);

    private readonly SqlScript[] items = scripts?.ToArray() ?? [];

    public int Count => items.Length;

    public SqlScript this[int index] => items[index];

    public IEnumerator<SqlScript> GetEnumerator() => ((IEnumerable<SqlScript>)items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(SqlScripts? other) => other is not null && items.SequenceEqual(other.items);

    public override bool Equals(object? obj) => Equals(obj as SqlScripts);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var script in items)
            hash.Add(script);
        return hash.ToHashCode();
    }

    public override string ToString() => $"[{string.Join(", ", items.Select(s => $"{s.Name}@{s.Weight}"))}]";
}
