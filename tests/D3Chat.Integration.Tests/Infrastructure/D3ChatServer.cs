using D3Chat.Client;
using Dapper;
using Npgsql;
using StackExchange.Redis;
using StackExchange.Redis.KeyspaceIsolation;

namespace D3Chat.Integration.Tests.Infrastructure;

/// <summary>
/// A complete D3Chat server for one test run: its own PostgreSQL database, Redis key prefix
/// and queue names (all random, dropped afterwards), served by a LocalHost process.
/// </summary>
public sealed class D3ChatServer : IAsyncDisposable
{
    private readonly bool _ownsDatabase;

    private D3ChatServer(LocalHostProcess host, string databaseName, IReadOnlyDictionary<string, string> settings, bool ownsDatabase)
    {
        Host = host;
        DatabaseName = databaseName;
        Settings = settings;
        _ownsDatabase = ownsDatabase;
    }

    public LocalHostProcess Host { get; private set; }

    public string DatabaseName { get; }

    /// <summary>The settings the LocalHost was started with (connection strings, queue names, domain).</summary>
    public IReadOnlyDictionary<string, string> Settings { get; }

    public string PostgresConnectionString => Settings["Postgres__ConnectionString"];

    public string RedisConnectionString => Settings["Redis__ConnectionString"];

    /// <summary>Connects to the Redis this server uses; read its keys through <see cref="RedisKeys(IConnectionMultiplexer)"/>.</summary>
    public async Task<ConnectionMultiplexer> ConnectRedisAsync() => await ConnectionMultiplexer.ConnectAsync(RedisConnectionString);

    /// <summary>This server's keys (its <c>Redis__KeyPrefix</c> applied), as the server reads and writes them.</summary>
    public IDatabase RedisKeys(IConnectionMultiplexer redis) => redis.GetDatabase().WithKeyPrefix(Settings.GetValueOrDefault("Redis__KeyPrefix", ""));

    public string FanoutQueueName => Settings["FanoutQueueName"];

    /// <summary>The AccessKey of the LocalHost's SignalR emulator (random per run).</summary>
    public string SignalRAccessKey => Settings["SignalR__ConnectionString"].Split(';')
        .Single(p => p.StartsWith("AccessKey=", StringComparison.Ordinal))["AccessKey=".Length..];


    /// <summary>Username of the superadmin every test server bootstraps (unless overridden).</summary>
    public const string AdminUsername = "root_admin";

    /// <summary>A client logged in as the bootstrapped superadmin.</summary>
    public async Task<D3ChatClient> CreateSuperadminClientAsync()
    {
        var client = CreateClient();
        await client.LoginAsync(Settings["Bootstrap__AdminUsername"], Settings["Bootstrap__AdminPassword"]);
        return client;
    }

    /// <param name="existingDatabase">
    /// Serve this (already migrated) database instead of a new one, e.g. to restart a server on the
    /// data another one left; it is then not dropped on dispose (its creator drops it).
    /// </param>
    /// <param name="port">Listen on this loopback port (e.g. when the domain names it); a free one when null.</param>
    public static async Task<D3ChatServer> StartAsync(IReadOnlyDictionary<string, string>? overrides = null, string? existingDatabase = null, int? port = null)
    {
        var runId = Guid.NewGuid().ToString("N")[..12];
        var databaseName = existingDatabase ?? $"d3chat_test_{runId}";
        if (existingDatabase is null)
        {
            await ExecuteAdminAsync($"CREATE DATABASE {databaseName}");
        }
        var settings = new Dictionary<string, string>
        {
            ["Postgres__ConnectionString"] = new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresAdmin) { Database = databaseName }.ConnectionString,
            // Servers running side by side share one Redis database: each has its own key prefix.
            ["Redis__ConnectionString"] = TestEnvironment.Redis,
            ["Redis__KeyPrefix"] = $"test-{runId}:",
            ["AzureWebJobsStorage"] = TestEnvironment.Storage,
            ["FanoutQueueName"] = $"fanout-{runId}",
            ["FederationQueueName"] = $"federation-{runId}",
            ["OutboxSweepSchedule"] = "*/2 * * * * *",
            ["RetentionSchedule"] = "0 * * * * *",
            ["Server__Domain"] = $"test-{runId}.localhost",
            // Every test talks from 127.0.0.1, so the shared server must not rate-limit the suite;
            // RateLimitTests start their own server with a low limit.
            ["RateLimit__PerMinute"] = "1000000",
            // A superadmin for admin tests (no default password exists, architecture departure 6).
            ["Bootstrap__AdminUsername"] = AdminUsername,
            ["Bootstrap__AdminPassword"] = $"pw-{Guid.NewGuid():N}",
            // Loopback endpoint: the LocalHost serves the SignalR emulator itself and fixes the port.
            ["SignalR__ConnectionString"] = $"Endpoint=http://127.0.0.1:7071;AccessKey={Convert.ToBase64String(Guid.NewGuid().ToByteArray())}{runId};Version=1.0;",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }
        try
        {
            var host = await LocalHostProcess.StartAsync(settings, waitForHealthy: overrides is null || port is not null, port);
            return new D3ChatServer(host, databaseName, settings, existingDatabase is null);
        }
        catch
        {
            if (existingDatabase is null)
            {
                await DropDatabaseAsync(databaseName);
            }
            throw;
        }
    }

    /// <summary>
    /// A server that federates with other loopback servers over http: its domain is <c>127.0.0.1:{port}</c>,
    /// with its own signing key and short retry timers so a restarted peer is retried within seconds.
    /// </summary>
    public static async Task<D3ChatServer> StartPeerAsync(IReadOnlyDictionary<string, string>? extra = null)
    {
        var port = LocalHostProcess.FreePort();
        var settings = new Dictionary<string, string>
        {
            ["Server__Domain"] = $"127.0.0.1:{port}",
            ["Server__ApiBaseUrl"] = $"http://127.0.0.1:{port}",
            ["Federation__SigningKeySeed"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["Federation__AllowHttpHosts"] = "127.0.0.1",
            ["FederationRetrySchedule"] = "*/1 * * * * *",
            ["Federation__MaxBackoff"] = "00:00:02",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }
        return await StartAsync(settings, port: port);
    }

    /// <summary>Stops the LocalHost process; the database, Redis database and queues stay for <see cref="RestartAsync"/>.</summary>
    public async Task StopAsync() => await Host.DisposeAsync();

    /// <summary>Starts the LocalHost again with the same settings, on the same port and database.</summary>
    public async Task RestartAsync()
    {
        await Host.DisposeAsync();
        Host = await LocalHostProcess.StartAsync(Settings, waitForHealthy: true, Host.BaseAddress.Port);
    }

    /// <summary>A client for this server; each test makes its own (and its own users).</summary>
    public D3ChatClient CreateClient() => new(new HttpClient { BaseAddress = Host.BaseAddress, Timeout = TimeSpan.FromSeconds(30) });

    public NpgsqlDataSource CreateDataSource() => NpgsqlDataSource.Create(PostgresConnectionString);

    /// <summary>Runs <paramref name="sql"/> (Dapper parameters) on this server's database: a test setting up rows no route makes.</summary>
    public async Task ExecuteSqlAsync(string sql, object? parameters = null)
    {
        await using var dataSource = CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync(sql, parameters);
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        if (_ownsDatabase)
        {
            await DropDatabaseAsync(DatabaseName);
        }
    }

    private static Task DropDatabaseAsync(string name) => ExecuteAdminAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");

    private static async Task ExecuteAdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.PostgresAdmin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>The server shared by the tests of one collection; tests isolate themselves with random names.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public D3ChatServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await D3ChatServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// One collection per area, each with its own server: xunit runs collections side by side, tests in
/// one collection one after another. Servers share PostgreSQL (a database each), Redis (a key
/// prefix each) and Azurite (queues named per server).
/// </summary>
public static class ServerCollections
{
    public const string Accounts = "server: accounts and admin";
    public const string Messaging = "server: messaging";
    public const string Realtime = "server: realtime";
    public const string Federation = "server: federation";
    public const string Foundation = "server: foundation and E2EE";
}

[CollectionDefinition(ServerCollections.Accounts)]
public sealed class AccountsServerCollection : ICollectionFixture<ServerFixture>;

[CollectionDefinition(ServerCollections.Messaging)]
public sealed class MessagingServerCollection : ICollectionFixture<ServerFixture>;

[CollectionDefinition(ServerCollections.Realtime)]
public sealed class RealtimeServerCollection : ICollectionFixture<ServerFixture>;

[CollectionDefinition(ServerCollections.Federation)]
public sealed class FederationServerCollection : ICollectionFixture<ServerFixture>;

[CollectionDefinition(ServerCollections.Foundation)]
public sealed class FoundationServerCollection : ICollectionFixture<ServerFixture>;
