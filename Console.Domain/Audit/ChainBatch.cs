using System.Security.Cryptography;

namespace OpsConsole.Domain.Audit;

/// <summary>
/// A run of audit entries in chain order, as "Verify chain" reads them: for each, its sequence, the exact bytes the insert
/// trigger hashed (the stored previous hash, then the canonical content, <see cref="AuditChain.Canonical"/>), and its
/// stored hash as hex text. One buffer holds them all and is reused batch after batch, so a million entries allocate nothing
/// per entry. An entry's hash check needs only its own row (it is chained to its <em>stored</em> previous hash), so batches
/// are hashed in parallel; the links between entries are checked afterwards, in order (<see cref="AuditChain.VerifyAsync(IProgress{ChainProgress}?, CancellationToken)"/>).
/// </summary>
internal sealed class ChainBatch
{
    public const int Capacity = 2048;

    private readonly long[] sequences = new long[Capacity];
    // Entry i: bytes hashed [messageStart[i], previousEnd[i]) are the stored previous hash, [.., hashStart[i]) the rest of the
    // message, and [hashStart[i], hashEnd[i]) the stored hash.
    private readonly int[] messageStart = new int[Capacity], previousEnd = new int[Capacity], hashStart = new int[Capacity], hashEnd = new int[Capacity];
    private readonly bool[] matches = new bool[Capacity];
    private byte[] bytes = new byte[Capacity * 512];
    private int length;

    public int Count { get; private set; }
    public bool Full => Count == Capacity;

    /// <summary>Set when the batch is handed on: the hash check of every entry in it, running beside the reading of the next.</summary>
    public Task Hashed { get; set; } = Task.CompletedTask;

    public void Clear() => (Count, length) = (0, 0);

    public long Sequence(int entry) => sequences[entry];
    public ReadOnlySpan<byte> PreviousHash(int entry) => bytes.AsSpan(messageStart[entry], previousEnd[entry] - messageStart[entry]);
    public ReadOnlySpan<byte> Hash(int entry) => bytes.AsSpan(hashStart[entry], hashEnd[entry] - hashStart[entry]);

    /// <summary>Whether the entry's stored hash is the SHA-256 of its stored previous hash and content (after <see cref="Hashed"/>).</summary>
    public bool Matches(int entry) => matches[entry];

    public void Begin() => messageStart[Count] = length;

    public void SetSequence(long sequence) => sequences[Count] = sequence;

    public void EndPrevious() => previousEnd[Count] = length;

    public void BeginHash() => hashStart[Count] = length;

    public void End()
    {
        hashEnd[Count] = length;
        Count++;
    }

    /// <summary>Room for <paramref name="count"/> more bytes, written by the caller before <see cref="Advance"/>.</summary>
    public Span<byte> Reserve(int count)
    {
        if (length + count > bytes.Length)
            Array.Resize(ref bytes, Math.Max(2 * bytes.Length, length + count));
        return bytes.AsSpan(length, count);
    }

    public void Advance(int count) => length += count;

    public void Append(byte value)
    {
        Reserve(1)[0] = value;
        length++;
    }

    public void HashAll()
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> hex = stackalloc byte[2 * SHA256.HashSizeInBytes];
        for (var entry = 0; entry < Count; entry++)
        {
            SHA256.HashData(bytes.AsSpan(messageStart[entry], hashStart[entry] - messageStart[entry]), digest);
            ToLowerHex(digest, hex);
            matches[entry] = Hash(entry).SequenceEqual(hex);
        }
    }

    private static void ToLowerHex(ReadOnlySpan<byte> value, Span<byte> hex)
    {
        ReadOnlySpan<byte> digits = "0123456789abcdef"u8;
        for (var i = 0; i < value.Length; i++)
        {
            hex[2 * i] = digits[value[i] >> 4];
            hex[2 * i + 1] = digits[value[i] & 0xF];
        }
    }
}
