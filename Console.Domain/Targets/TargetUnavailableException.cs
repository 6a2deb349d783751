using System.Net.Sockets;
using Npgsql;

namespace OpsConsole.Domain.Targets;

/// <summary>
/// A monitored database that does not answer: down, unreachable, too slow to connect, or refusing the console's login.
/// <see cref="TargetConnections"/> raises it, so that services, pages and endpoints handle one domain exception instead
/// of the driver's and the network's several; the driver's own exception stays as the inner exception.
/// </summary>
public sealed class TargetUnavailableException(string target, string cause, Exception? inner = null)
    : Exception($"The target {target} does not answer: {cause}.", inner)
{
    /// <summary>The target's name, or host:port for a connection string not saved yet.</summary>
    public string Target { get; } = target;

    /// <summary>What went wrong, in words: "the connection was refused (is PostgreSQL listening there?)".</summary>
    public string Cause { get; } = cause;

    /// <summary>
    /// What a target throws when it does not answer. A server error (<see cref="PostgresException"/>) after the session
    /// is open is an answer (a syntax error, a lock timeout) and is not one of them; at connect it is (a refused login).
    /// </summary>
    public static bool IsNoAnswer(Exception e, bool connecting = false) => e switch
    {
        PostgresException => connecting,
        NpgsqlException or TimeoutException or SocketException or IOException => true,
        _ => false,
    };

    /// <param name="timeoutSeconds">The connect (or command) timeout that ran out, when one did.</param>
    public static TargetUnavailableException For(string target, Exception failure, int timeoutSeconds) =>
        new(target, Describe(failure, timeoutSeconds), failure);

    private static string Describe(Exception e, int timeoutSeconds)
    {
        if (e is PostgresException refused)
            return $"it refused the connection: {refused.MessageText} ({refused.SqlState})";
        if (e is TimeoutException || e.InnerException is TimeoutException)
            return $"it did not answer within {timeoutSeconds} seconds";
        if ((e as SocketException ?? e.InnerException as SocketException) is { } socket)
            return socket.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "the connection was refused (is PostgreSQL listening there?)",
                SocketError.HostNotFound or SocketError.NoData => "the host name is unknown",
                _ => $"the network said {socket.SocketErrorCode}",
            };
        return e is IOException || e.InnerException is IOException ? "the connection was lost" : "the connection failed";
    }
}
