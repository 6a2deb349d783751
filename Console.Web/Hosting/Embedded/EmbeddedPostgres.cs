using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace OpsConsole.Web.Hosting.Embedded;

/// <summary>
/// A private PostgreSQL cluster run from the machine's own binaries: created on first use, reused later,
/// listening on loopback only, with a random superuser password kept beside it. PostgreSQL refuses to run
/// as root, so a root process runs it as the <c>postgres</c> OS user. The console's embedded default and
/// the tests both use this class.
/// </summary>
public sealed partial class EmbeddedPostgres : IAsyncDisposable
{
    private const string SuperUser = "postgres";
    private readonly PostgresBinaries binaries;
    private readonly bool durable;
    private int maxConnections;
    private readonly ILogger logger;
    private readonly string? runAs;
    private FileStream? ownerLock;
    private int stopped;

    private EmbeddedPostgres(string root, PostgresBinaries binaries, bool durable, ILogger logger)
    {
        Root = root;
        this.binaries = binaries;
        this.durable = durable;
        this.logger = logger;
        runAs = Environment.IsPrivilegedProcess ? "postgres" : null;
    }

    public string Root { get; }
    public string DataDirectory => Path.Combine(Root, "pgdata");
    private string PasswordFile => Path.Combine(Root, "superuser.password");
    private string PortFile => Path.Combine(Root, "last.port");
    private string LogFile => Path.Combine(Root, "postgres.log");

    public int Port { get; private set; }

    /// <summary>True when this start created the cluster; false when it reused one from an earlier start.</summary>
    public bool Created { get; private set; }

    public bool IsRunning => Port != 0 && Volatile.Read(ref stopped) == 0;

    /// <summary>
    /// Creates the cluster under <paramref name="root"/> when it does not exist yet, and starts it.
    /// <paramref name="durable"/> false turns off fsync: right for throwaway test clusters, wrong for data kept.
    /// </summary>
    public static async Task<EmbeddedPostgres> StartAsync(string root, bool durable = true, int port = 0, string? binDirectory = null,
        ILogger? logger = null, int maxConnections = 200, CancellationToken ct = default)
    {
        var cluster = new EmbeddedPostgres(Path.GetFullPath(root), PostgresBinaries.Locate(binDirectory), durable, logger ?? NullLogger.Instance)
        {
            maxConnections = maxConnections,
        };
        cluster.TakeOwnership();
        try
        {
            await cluster.InitializeAsync(ct);
            await cluster.StartServerAsync(port, ct);
            return cluster;
        }
        catch
        {
            cluster.ReleaseOwnership();
            throw;
        }
    }

    public string ConnectionString(string database) => ConnectionString(database, SuperUser, File.ReadAllText(PasswordFile).Trim());

    /// <summary>A connection string for a role made by <see cref="EnsureLoginRoleAsync"/>.</summary>
    public string ConnectionString(string database, string role) => ConnectionString(database, role, File.ReadAllText(RolePasswordFile(role)).Trim());

    private string ConnectionString(string database, string role, string password) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = role,
        Password = password,
        Database = database,
    }.ConnectionString;

    /// <summary>The superuser, for setting the cluster up; what runs inside it afterwards uses the roles made here.</summary>
    public async Task<NpgsqlConnection> OpenAsSuperuserAsync(string database = "postgres", CancellationToken ct = default)
    {
        var connection = new NpgsqlConnection(ConnectionString(database) + ";Pooling=false");
        await connection.OpenAsync(ct);
        return connection;
    }

    /// <summary>
    /// A login role (no superuser, no CREATEDB or CREATEROLE) whose random password is kept beside the cluster, readable
    /// by this OS user only. Run at every start, so a role and its password file that drifted apart meet again.
    /// </summary>
    public async Task EnsureLoginRoleAsync(string role, CancellationToken ct = default)
    {
        RequireSafeName(role, nameof(role));
        var file = RolePasswordFile(role);
        if (!File.Exists(file))
        {
            await File.WriteAllTextAsync(file, Convert.ToHexString(RandomNumberGenerator.GetBytes(24)), ct);
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        var password = (await File.ReadAllTextAsync(file, ct)).Trim();
        await using var connection = await OpenAsSuperuserAsync(ct: ct);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_roles WHERE rolname = $1", connection) { Parameters = { new() { Value = role } } };
        var verb = await exists.ExecuteScalarAsync(ct) is null ? "CREATE" : "ALTER";
        // Identifiers and the password cannot be parameters; the name was checked above, the password is hex.
        await using var upsert = new NpgsqlCommand(
            $"{verb} ROLE \"{role}\" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD '{password}'", connection);
        await upsert.ExecuteNonQueryAsync(ct);
    }

    private string RolePasswordFile(string role) => Path.Combine(Root, $"{role}.password");

    /// <summary>Creates the database when missing; with <paramref name="owner"/>, it is (made) that role's.</summary>
    public async Task EnsureDatabaseAsync(string name, string? owner = null, CancellationToken ct = default)
    {
        RequireSafeName(name, nameof(name));
        if (owner is not null)
            RequireSafeName(owner, nameof(owner));
        await using var connection = await OpenAsSuperuserAsync(ct: ct);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection) { Parameters = { new() { Value = name } } };
        // Identifiers cannot be parameters; the names were checked against SafeName above.
        var sql = await exists.ExecuteScalarAsync(ct) is null
            ? $"CREATE DATABASE \"{name}\"" + (owner is null ? "" : $" OWNER \"{owner}\"")
            : owner is null ? null : $"ALTER DATABASE \"{name}\" OWNER TO \"{owner}\"";
        if (sql is null)
            return;
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Drops the database, ending its sessions; false when there was none.</summary>
    public async Task<bool> DropDatabaseIfExistsAsync(string name, CancellationToken ct = default)
    {
        RequireSafeName(name, nameof(name));
        await using var connection = await OpenAsSuperuserAsync(ct: ct);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection) { Parameters = { new() { Value = name } } };
        if (await exists.ExecuteScalarAsync(ct) is null)
            return false;
        await using var drop = new NpgsqlCommand($"DROP DATABASE \"{name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync(ct);
        return true;
    }

    private static void RequireSafeName(string name, string parameter)
    {
        if (!SafeName().IsMatch(name))
            throw new ArgumentException($"'{name}' is not a plain name (lower-case letters, digits, underscores).", parameter);
    }

    /// <summary>Stops the server (fast shutdown: open sessions are rolled back). Safe to call twice.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref stopped, 1) == 1 || Port == 0)
            return;
        var result = await PgCtlAsync(["stop", "-D", DataDirectory, "-m", "fast", "-w", "-t", "60"]);
        if (result.ExitCode == 0)
            logger.LogInformation("Stopped the embedded PostgreSQL cluster in {Root}", Root);
        else
            logger.LogWarning("Stopping the embedded PostgreSQL cluster failed: {Output}", result.Output.Trim());
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        ReleaseOwnership();
    }

    /// <summary>Stops the server and deletes the cluster with its folder: for throwaway clusters, whose data is worth nothing afterwards.</summary>
    public async Task DeleteAsync()
    {
        await StopAsync();
        if ((await PgCtlAsync(["status", "-D", DataDirectory])).ExitCode == 0)
            throw new InvalidOperationException($"The PostgreSQL server in {Root} did not stop (see {LogFile}); its folder was kept.");
        Directory.Delete(Root, recursive: true);
        ReleaseOwnership();
    }

    /// <summary>
    /// Deletes the cluster under <paramref name="root"/> when no process owns it any more (its owner stopped, or was killed
    /// and left its server running, which is stopped first); false, touching nothing, while a process owns it.
    /// </summary>
    public static async Task<bool> TryDeleteAbandonedAsync(string root, string? binDirectory = null, ILogger? logger = null, CancellationToken ct = default)
    {
        var cluster = new EmbeddedPostgres(Path.GetFullPath(root), PostgresBinaries.Locate(binDirectory), durable: false, logger ?? NullLogger.Instance);
        try
        {
            cluster.TakeOwnership();
        }
        catch (InvalidOperationException)
        {
            return false;
        }
        try
        {
            if (File.Exists(Path.Combine(cluster.DataDirectory, "PG_VERSION"))
                && (await cluster.PgCtlAsync(["status", "-D", cluster.DataDirectory], ct)).ExitCode == 0)
            {
                cluster.logger.LogWarning("A PostgreSQL server left behind by a stopped console was still running in {Root}; stopping it", cluster.Root);
                (await cluster.PgCtlAsync(["stop", "-D", cluster.DataDirectory, "-m", "fast", "-w", "-t", "60"], ct)).EnsureSuccess("pg_ctl stop");
            }
            // Deleted while still owned, so that nothing can start it meanwhile (Unix deletes an open file all the same).
            Directory.Delete(cluster.Root, recursive: true);
            return true;
        }
        finally
        {
            cluster.ReleaseOwnership();
        }
    }

    /// <summary>Starts a stopped cluster again on the same port (tests use this to take the store away and back).</summary>
    public async Task RestartAsync(CancellationToken ct = default)
    {
        await StopAsync();
        Interlocked.Exchange(ref stopped, 0);
        await StartServerAsync(Port, ct);
    }

    /// <summary>
    /// One process per cluster: an exclusive lock file (flock on Unix) held while this process owns it. A server
    /// found running while the lock is free was left behind by a console that was killed, and is restarted.
    /// </summary>
    private void TakeOwnership()
    {
        Directory.CreateDirectory(Root);
        try
        {
            ownerLock = new FileStream(Path.Combine(Root, "console.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new InvalidOperationException(
                $"The embedded PostgreSQL cluster in {Root} is in use by another OpsConsole process: stop that one first, " +
                "or set Embedded:DataDirectory to another folder.");
        }
    }

    private void ReleaseOwnership()
    {
        ownerLock?.Dispose();
        ownerLock = null;
    }

    private async Task InitializeAsync(CancellationToken ct)
    {
        if (File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
            return;

        Created = true;
        await File.WriteAllTextAsync(PasswordFile, Convert.ToHexString(RandomNumberGenerator.GetBytes(24)), ct);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(PasswordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await HandRootToServerUserAsync(ct);

        List<string> args = ["-D", DataDirectory, "-U", SuperUser, "--auth=scram-sha-256", $"--pwfile={PasswordFile}", "-E", "UTF8", "--no-locale"];
        if (!durable)
            args.Add("--no-sync");
        (await ProcessRunner.RunAsync(binaries.InitDb, args, runAs, ct)).EnsureSuccess("initdb");

        // Loopback only, no Unix socket (its default folder may not exist or be writable here).
        var settings = $"""

            # Written by OpsConsole's embedded default.
            listen_addresses = '127.0.0.1'
            unix_socket_directories = ''
            max_connections = {maxConnections}
            """;
        if (!durable)
            settings += "\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\n";
        var conf = Path.Combine(DataDirectory, "postgresql.conf");
        await File.AppendAllTextAsync(conf, settings, ct);
        logger.LogInformation("Created an embedded PostgreSQL cluster in {Root}", Root);
    }

    private async Task StartServerAsync(int port, CancellationToken ct)
    {
        var status = await PgCtlAsync(["status", "-D", DataDirectory], ct);
        if (status.ExitCode == 0)
        {
            // Left running by a console that was killed: stop it, so that this process owns what it starts.
            logger.LogWarning("An embedded PostgreSQL server was still running in {Root}; restarting it", Root);
            (await PgCtlAsync(["stop", "-D", DataDirectory, "-m", "fast", "-w"], ct)).EnsureSuccess("pg_ctl stop");
        }

        Port = port != 0 ? port : LastPortIfFree() ?? FreeLoopbackPort();
        var start = await PgCtlAsync(["start", "-D", DataDirectory, "-w", "-t", "60", "-l", LogFile, "-o", $"-p {Port}"], ct);
        if (start.ExitCode != 0)
            throw new InvalidOperationException($"The embedded PostgreSQL server did not start (see {LogFile}): {start.Output.Trim()}");
        await File.WriteAllTextAsync(PortFile, Port.ToString(System.Globalization.CultureInfo.InvariantCulture), ct);
        logger.LogInformation("Embedded PostgreSQL is listening on 127.0.0.1:{Port}", Port);
    }

    private Task<ProcessRunner.Result> PgCtlAsync(IEnumerable<string> args, CancellationToken ct = default) =>
        ProcessRunner.RunAsync(binaries.PgCtl, args, runAs, ct);

    private async Task HandRootToServerUserAsync(CancellationToken ct)
    {
        if (runAs is null)
            return;
        (await ProcessRunner.RunAsync("chown", ["-R", $"{runAs}:{runAs}", Root], ct: ct)).EnsureSuccess("chown");
        var reachable = await ProcessRunner.RunAsync("test", ["-w", Root], runAs, ct);
        if (reachable.ExitCode != 0)
            throw new InvalidOperationException(
                $"The '{runAs}' OS user cannot reach {Root} (a parent folder is closed to it): " +
                "set Embedded:DataDirectory to a folder it can reach, such as /var/lib/opsconsole.");
    }

    /// <summary>
    /// Whether the server's OS user can reach <paramref name="folder"/> (or the part of its path that exists).
    /// Always true when not running as root, since the server then runs as this very user.
    /// </summary>
    public static async Task<bool> ServerUserCanReachAsync(string folder)
    {
        if (!Environment.IsPrivilegedProcess)
            return true;
        var existing = new DirectoryInfo(Path.GetFullPath(folder));
        while (!existing.Exists && existing.Parent is not null)
            existing = existing.Parent;
        return (await ProcessRunner.RunAsync("test", ["-x", existing.FullName], "postgres")).ExitCode == 0;
    }

    /// <summary>
    /// The port of the previous start while nothing else holds it: a cluster that keeps its port keeps the settings
    /// (and the drift snapshots) of what connects to it the same. Whoever connects still follows a port that moved.
    /// </summary>
    private int? LastPortIfFree()
    {
        if (!File.Exists(PortFile) || !int.TryParse(File.ReadAllText(PortFile).Trim(), out var last))
            return null;
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, last);
            listener.Start();
            return last;
        }
        catch (SocketException)
        {
            return null;
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex SafeName();
}
