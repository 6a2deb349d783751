using System.Buffers.Binary;
using System.Globalization;

namespace OpsConsole.Domain.Audit;

/// <summary>
/// Reads the audit entries in chain order from a binary <c>COPY … TO STDOUT</c> (<see cref="Query"/>) into
/// <see cref="ChainBatch"/>es, writing each entry straight as the bytes the insert trigger hashed: text columns arrive as
/// UTF-8 and are copied as they are, the time is formatted here as the trigger's <c>to_char</c> does (which spares the
/// store that work), jsonb arrives as its canonical text behind a version byte. No string is made per entry.
/// </summary>
internal sealed class ChainCopyReader(Stream copy)
{
    /// <summary>The columns in the order the hashed bytes need them: previous hash, then the canonical content, then the hash.</summary>
    public const string Query = """
        COPY (SELECT "PreviousHash", "Sequence", "At", "ActorId", "ActorName", "Action", "Subject", "Outcome", "Details", "Hash"
              FROM audit_entries ORDER BY "Sequence") TO STDOUT (FORMAT BINARY)
        """;

    private const byte Separator = 0x1f;
    private const int TextColumnsAfterTime = 5;
    private static readonly long PostgresEpochTicks = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;
    private static ReadOnlySpan<byte> Signature => [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xff, (byte)'\r', (byte)'\n', 0];

    private byte[] buffer = new byte[64 * 1024];
    private int position, end;
    private bool started;

    /// <summary>Fills <paramref name="batch"/> (cleared first) with up to <see cref="ChainBatch.Capacity"/> entries; false once the COPY has ended.</summary>
    public async ValueTask<bool> FillAsync(ChainBatch batch, CancellationToken ct)
    {
        batch.Clear();
        if (!started)
        {
            while (end < Signature.Length + 8)
                await ReadMoreAsync(ct);
            ReadHeader();
        }
        while (!batch.Full)
        {
            // Only whole rows are parsed; the rest waits for more bytes.
            if (!HasWholeRow(out var trailer))
            {
                await ReadMoreAsync(ct);
                continue;
            }
            if (trailer)
                return false;
            var fields = ReadInt16();
            if (fields != 10)
                throw new InvalidDataException($"The audit COPY sent a row of {fields} fields.");
            ReadEntry(batch);
        }
        return true;
    }

    private bool HasWholeRow(out bool trailer)
    {
        trailer = false;
        var at = position;
        if (end - at < 2)
            return false;
        var fields = BinaryPrimitives.ReadInt16BigEndian(buffer.AsSpan(at));
        at += 2;
        if (fields == -1)
            return trailer = true;
        for (var field = 0; field < fields; field++)
        {
            if (end - at < 4)
                return false;
            var length = BinaryPrimitives.ReadInt32BigEndian(buffer.AsSpan(at));
            at += 4 + Math.Max(length, 0);
            if (at > end)
                return false;
        }
        return true;
    }

    /// <summary>
    /// Reads on until the buffer is nearly full (the driver hands over about a row a read), growing it for a row larger than it.
    /// </summary>
    private async ValueTask ReadMoreAsync(CancellationToken ct)
    {
        buffer.AsSpan(position, end - position).CopyTo(buffer);
        (end, position) = (end - position, 0);
        if (end == buffer.Length)
            Array.Resize(ref buffer, 2 * buffer.Length);
        var before = end;
        while (buffer.Length - end > 1024 || end == before)
        {
            var read = await copy.ReadAsync(buffer.AsMemory(end), ct);
            if (read == 0)
            {
                if (end == before)
                    throw new EndOfStreamException("The audit COPY ended in the middle of a row.");
                return;
            }
            end += read;
        }
    }

    private void ReadEntry(ChainBatch batch)
    {
        batch.Begin();
        CopyField(batch, skip: 0);
        batch.EndPrevious();

        Expect(ReadInt32(), 8);
        var sequence = ReadInt64();
        batch.SetSequence(sequence);
        sequence.TryFormat(batch.Reserve(20), out var written, provider: CultureInfo.InvariantCulture);
        batch.Advance(written);

        Expect(ReadInt32(), 8);
        var micros = ReadInt64();
        batch.Append(Separator);
        // Outside DateTime's years (1 to 9999) the trigger's text has no counterpart here: nothing is written, and the hash cannot match.
        if (micros > -PostgresEpochTicks / 10 && micros < (DateTime.MaxValue.Ticks - PostgresEpochTicks) / 10)
        {
            WriteTime(new DateTime(PostgresEpochTicks + micros * 10, DateTimeKind.Utc), batch.Reserve(TimeLength));
            batch.Advance(TimeLength);
        }

        for (var column = 0; column < TextColumnsAfterTime; column++)
            SeparatedField(batch, skip: 0);
        SeparatedField(batch, skip: 1); // jsonb: a version byte, then the text

        batch.BeginHash();
        CopyField(batch, skip: 0);
        batch.End();
    }

    private const int TimeLength = 27;

    /// <summary>The trigger's <c>to_char(At AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')</c>, digit by digit: a format string per entry costs more than the hash.</summary>
    private static void WriteTime(DateTime at, Span<byte> to)
    {
        at.Deconstruct(out var date, out var time);
        Digits(to[..4], date.Year);
        to[4] = (byte)'-';
        Digits(to.Slice(5, 2), date.Month);
        to[7] = (byte)'-';
        Digits(to.Slice(8, 2), date.Day);
        to[10] = (byte)'T';
        Digits(to.Slice(11, 2), time.Hour);
        to[13] = (byte)':';
        Digits(to.Slice(14, 2), time.Minute);
        to[16] = (byte)':';
        Digits(to.Slice(17, 2), time.Second);
        to[19] = (byte)'.';
        Digits(to.Slice(20, 6), (int)(time.Ticks % TimeSpan.TicksPerSecond / 10));
        to[26] = (byte)'Z';
    }

    private static void Digits(Span<byte> to, int value)
    {
        for (var i = to.Length - 1; i >= 0; i--, value /= 10)
            to[i] = (byte)('0' + value % 10);
    }

    /// <summary>A separator and the field, or neither when the field is NULL: the trigger's <c>concat_ws</c> skips NULLs.</summary>
    private void SeparatedField(ChainBatch batch, int skip)
    {
        var length = ReadInt32();
        if (length < 0)
            return;
        batch.Append(Separator);
        CopyBytes(batch, length, skip);
    }

    private void CopyField(ChainBatch batch, int skip)
    {
        var length = ReadInt32();
        if (length > 0)
            CopyBytes(batch, length, skip);
    }

    private void CopyBytes(ChainBatch batch, int length, int skip)
    {
        for (var left = length; left > 0;)
        {
            var take = Math.Min(left, end - position);
            var from = buffer.AsSpan(position, take);
            var skipped = Math.Min(skip, take);
            (skip, position, left) = (skip - skipped, position + take, left - take);
            from[skipped..].CopyTo(batch.Reserve(take - skipped));
            batch.Advance(take - skipped);
        }
    }

    private void ReadHeader()
    {
        if (!buffer.AsSpan(position, Signature.Length).SequenceEqual(Signature))
            throw new InvalidDataException("The audit COPY did not start with the binary COPY signature.");
        position += Signature.Length + 4; // flags
        var extension = ReadInt32();
        position += extension; // none is defined; PostgreSQL sends none
        started = true;
    }

    private static void Expect(int length, int expected)
    {
        if (length != expected)
            throw new InvalidDataException($"The audit COPY sent a field of {length} bytes where {expected} were expected.");
    }

    private short ReadInt16()
    {
        var value = BinaryPrimitives.ReadInt16BigEndian(buffer.AsSpan(position));
        position += 2;
        return value;
    }

    private int ReadInt32()
    {
        var value = BinaryPrimitives.ReadInt32BigEndian(buffer.AsSpan(position));
        position += 4;
        return value;
    }

    private long ReadInt64()
    {
        var value = BinaryPrimitives.ReadInt64BigEndian(buffer.AsSpan(position));
        position += 8;
        return value;
    }
}
