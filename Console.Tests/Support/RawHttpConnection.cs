using System.Text;

namespace OpsConsole.Tests.Support;

/// <summary>
/// HTTP/1.1 by hand on one kept-alive connection, for what HttpClient hides: a body written whole before the answer is
/// read, and whether the server still answers on that connection afterwards.
/// </summary>
public sealed class RawHttpConnection(Stream stream, string host, string header)
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(30);
    private readonly List<byte> unread = [];

    /// <summary>Writes the request and its chunked body to the end, then reads the answer.</summary>
    public async Task<(int Status, string Body)> PostChunkedAsync(string path, byte[] body)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST {path} HTTP/1.1\r\nHost: {host}\r\n{header}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"));
        foreach (var chunk in body.Chunk(64 * 1024))
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"{chunk.Length:x}\r\n"));
            await stream.WriteAsync(chunk);
            await stream.WriteAsync("\r\n"u8.ToArray());
        }
        await stream.WriteAsync("0\r\n\r\n"u8.ToArray());
        return await ReadResponseAsync();
    }

    private async Task<(int Status, string Body)> ReadResponseAsync()
    {
        var head = Encoding.ASCII.GetString(await ReadUntilAsync("\r\n\r\n")).Split("\r\n");
        var status = int.Parse(head[0].Split(' ')[1]);
        var headers = head.Skip(1).Select(line => line.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        if (headers.TryGetValue("Content-Length", out var length))
            return (status, Encoding.UTF8.GetString(await ReadBytesAsync(int.Parse(length))));

        var body = new List<byte>();
        while (Convert.ToInt32(Encoding.ASCII.GetString(await ReadUntilAsync("\r\n")).Split(';')[0], 16) is var size and > 0)
        {
            body.AddRange(await ReadBytesAsync(size));
            await ReadUntilAsync("\r\n");
        }
        await ReadUntilAsync("\r\n");
        return (status, Encoding.UTF8.GetString(body.ToArray()));
    }

    /// <summary>The bytes up to <paramref name="end"/>, which is read and dropped.</summary>
    private async Task<byte[]> ReadUntilAsync(string end)
    {
        int at;
        while ((at = IndexOf(Encoding.ASCII.GetBytes(end))) < 0)
            await FillAsync();
        var line = await ReadBytesAsync(at);
        unread.RemoveRange(0, end.Length);
        return line;
    }

    private async Task<byte[]> ReadBytesAsync(int count)
    {
        while (unread.Count < count)
            await FillAsync();
        var bytes = unread.GetRange(0, count).ToArray();
        unread.RemoveRange(0, count);
        return bytes;
    }

    private async Task FillAsync()
    {
        var buffer = new byte[16 * 1024];
        using var timeout = new CancellationTokenSource(ReadTimeout);
        int read;
        try
        {
            read = await stream.ReadAsync(buffer, timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The server sent nothing for {ReadTimeout.TotalSeconds} s.");
        }
        if (read == 0)
            throw new IOException("The server closed the connection before answering in full.");
        unread.AddRange(buffer.AsSpan(0, read));
    }

    private int IndexOf(byte[] needle)
    {
        for (var i = 0; i + needle.Length <= unread.Count; i++)
            if (needle.Select((b, k) => unread[i + k] == b).All(same => same))
                return i;
        return -1;
    }
}
