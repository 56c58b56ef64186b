using System.Diagnostics;
using System.Net.Sockets;
using D3Chat.Integration.Tests.Infrastructure;

namespace D3Chat.Fault.Tests;

/// <summary>
/// PostgreSQL, Redis and Azurite started by the fault tests themselves, on free loopback ports and
/// in a temporary folder, so stopping them never touches the services other suites share. A missing
/// binary fails the run (scripts/test installs them); nothing here skips.
/// </summary>
public sealed class PrivateServices : IAsyncDisposable
{
    private const string PgBin = "/usr/lib/postgresql/15/bin";
    private readonly string _root;
    private readonly bool _asRoot = Environment.UserName == "root";
    private Process? _redis;
    private Process? _azurite;

    private PrivateServices(string root)
    {
        _root = root;
        PostgresPort = LocalHostProcess.FreePort();
        RedisPort = LocalHostProcess.FreePort();
        (BlobPort, QueuePort, TablePort) = (LocalHostProcess.FreePort(), LocalHostProcess.FreePort(), LocalHostProcess.FreePort());
    }

    public int PostgresPort { get; }

    public int RedisPort { get; }

    public int BlobPort { get; }

    public int QueuePort { get; }

    public int TablePort { get; }

    private string PgData => Path.Combine(_root, "pg");

    public string PostgresAdmin => $"Host=127.0.0.1;Port={PostgresPort};Username=postgres;Password=unused;Database=postgres;Timeout=5";

    // connectTimeout short: a Redis outage must be noticed in well under a request's budget.
    public string Redis => $"127.0.0.1:{RedisPort},abortConnect=false,connectTimeout=1000,syncTimeout=1000,asyncTimeout=1000";

    // Azurite's public, documented development account (not a secret).
    public string Storage =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{QueuePort}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{TablePort}/devstoreaccount1;";

    public static async Task<PrivateServices> StartAsync()
    {
        var root = Directory.CreateTempSubdirectory("d3chat-faults-").FullName;
        var services = new PrivateServices(root);
        try
        {
            await services.InitPostgresAsync();
            await Task.WhenAll(services.StartPostgresAsync(), services.StartRedisAsync(), services.StartAzuriteAsync());
            return services;
        }
        catch
        {
            await services.DisposeAsync();
            throw;
        }
    }

    private async Task InitPostgresAsync()
    {
        Directory.CreateDirectory(PgData);
        if (_asRoot)
        {
            // initdb and postgres refuse to run as root: the cluster belongs to the postgres user.
            await RunAsync("chown", "-R", "postgres:postgres", _root);
        }
        await RunPgAsync("initdb", "-D", PgData, "-U", "postgres", "-E", "UTF8", "--locale=C", "--auth=trust");
        await File.AppendAllTextAsync(Path.Combine(PgData, "postgresql.conf"), $"""

            listen_addresses = '127.0.0.1'
            port = {PostgresPort}
            unix_socket_directories = '{_root}'
            max_connections = 200
            fsync = off
            synchronous_commit = off
            full_page_writes = off
            """);
    }

    public Task StartPostgresAsync() => RunPgAsync("pg_ctl", "start", "-D", PgData, "-l", Path.Combine(_root, "pg.log"), "-w", "-t", "60", "-s");

    /// <summary>Fast shutdown: open connections are cut, as in a failover.</summary>
    public Task StopPostgresAsync() => RunPgAsync("pg_ctl", "stop", "-D", PgData, "-m", "fast", "-w", "-t", "60", "-s");

    public async Task StartRedisAsync()
    {
        _redis = Spawn(Which("redis-server"), "--port", RedisPort.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no");
        await WaitForPortAsync(RedisPort, "redis-server");
    }

    public Task StopRedisAsync() => StopProcessAsync(Interlocked.Exchange(ref _redis, null));

    public async Task StartAzuriteAsync()
    {
        var azurite = Path.Combine(TestEnvironment.RepoRoot, "tools", "azurite", "node_modules", ".bin", "azurite");
        if (!File.Exists(azurite))
        {
            throw new InvalidOperationException($"{azurite} is missing; scripts/test installs it (npm ci in tools/azurite).");
        }
        // On disk (--location), so queued messages survive the restart as they survive a Storage outage.
        _azurite = Spawn(azurite, "--silent", "--disableTelemetry", "--location", Path.Combine(_root, "azurite"),
            "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
            "--blobPort", BlobPort.ToString(), "--queuePort", QueuePort.ToString(), "--tablePort", TablePort.ToString(),
            "--skipApiVersionCheck", "--loose");
        await WaitForPortAsync(QueuePort, "azurite");
        await WaitForPortAsync(BlobPort, "azurite");
    }

    // Azurite keeps its data in memory and saves it to --location on a clean shutdown: a SIGTERM,
    // like a Storage outage, loses nothing that Storage acknowledged (a SIGKILL would).
    public Task StopAzuriteAsync() => StopProcessAsync(Interlocked.Exchange(ref _azurite, null), graceful: true);

    public async ValueTask DisposeAsync()
    {
        await StopRedisAsync();
        await StopAzuriteAsync();
        if (File.Exists(Path.Combine(PgData, "postmaster.pid")))
        {
            await StopPostgresAsync();
        }
        Directory.Delete(_root, recursive: true);
    }

    private Task RunPgAsync(string tool, params string[] args)
    {
        var path = Path.Combine(PgBin, tool);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{path} is missing; scripts/test installs postgresql-15.");
        }
        return _asRoot ? RunAsync("runuser", ["-u", "postgres", "--", path, .. args]) : RunAsync(path, args);
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/" };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {process.ExitCode}:\n{await output}\n{await error}");
        }
    }

    private static Process Spawn(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    // Only the process this class started, by its own handle.
    private static async Task StopProcessAsync(Process? stopping, bool graceful = false)
    {
        if (stopping is null)
        {
            return;
        }
        if (graceful && !stopping.HasExited)
        {
            await RunAsync("kill", "-TERM", stopping.Id.ToString());
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await stopping.WaitForExitAsync(timeout.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        }
        if (!stopping.HasExited)
        {
            stopping.Kill(entireProcessTree: true);
        }
        await stopping.WaitForExitAsync();
        stopping.Dispose();
    }

    private static string Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"{name} is not installed; scripts/test installs it.");

    private static async Task WaitForPortAsync(int port, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }
        throw new TimeoutException($"{what} did not listen on 127.0.0.1:{port} within 60 s.");
    }
}
