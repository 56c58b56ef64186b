using D3Chat.Client;
using Npgsql;

namespace D3Chat.Integration.Tests.Infrastructure;

/// <summary>
/// A complete D3Chat server for one test run: its own PostgreSQL database, Redis database number
/// and queue names (all random, dropped afterwards), served by a LocalHost process.
/// </summary>
public sealed class D3ChatServer : IAsyncDisposable
{
    private D3ChatServer(LocalHostProcess host, string databaseName, IReadOnlyDictionary<string, string> settings)
    {
        Host = host;
        DatabaseName = databaseName;
        Settings = settings;
    }

    public LocalHostProcess Host { get; }

    public string DatabaseName { get; }

    /// <summary>The settings the LocalHost was started with (connection strings, queue names, domain).</summary>
    public IReadOnlyDictionary<string, string> Settings { get; }

    public string PostgresConnectionString => Settings["Postgres__ConnectionString"];

    public string RedisConnectionString => Settings["Redis__ConnectionString"];

    public string FanoutQueueName => Settings["FanoutQueueName"];

    /// <summary>The AccessKey of the LocalHost's SignalR emulator (random per run).</summary>
    public string SignalRAccessKey => Settings["SignalR__ConnectionString"].Split(';')
        .Single(p => p.StartsWith("AccessKey=", StringComparison.Ordinal))["AccessKey=".Length..];

    public static async Task<D3ChatServer> StartAsync(IReadOnlyDictionary<string, string>? overrides = null)
    {
        var runId = Guid.NewGuid().ToString("N")[..12];
        var databaseName = $"d3chat_test_{runId}";
        await ExecuteAdminAsync($"CREATE DATABASE {databaseName}");
        var settings = new Dictionary<string, string>
        {
            ["Postgres__ConnectionString"] = new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresAdmin) { Database = databaseName }.ConnectionString,
            // Redis has 16 databases; each run picks one and uses random keys, so runs do not collide.
            ["Redis__ConnectionString"] = $"{TestEnvironment.Redis},defaultDatabase={Random.Shared.Next(1, 16)}",
            ["AzureWebJobsStorage"] = TestEnvironment.Storage,
            ["FanoutQueueName"] = $"fanout-{runId}",
            ["FederationQueueName"] = $"federation-{runId}",
            ["OutboxSweepSchedule"] = "*/2 * * * * *",
            ["Server__Domain"] = $"test-{runId}.localhost",
            // Loopback endpoint: the LocalHost serves the SignalR emulator itself and fixes the port.
            ["SignalR__ConnectionString"] = $"Endpoint=http://127.0.0.1:7071;AccessKey={Convert.ToBase64String(Guid.NewGuid().ToByteArray())}{runId};Version=1.0;",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }
        try
        {
            var host = await LocalHostProcess.StartAsync(settings, waitForHealthy: overrides is null);
            return new D3ChatServer(host, databaseName, settings);
        }
        catch
        {
            await DropDatabaseAsync(databaseName);
            throw;
        }
    }

    /// <summary>A client for this server; each test makes its own (and its own users).</summary>
    public D3ChatClient CreateClient() => new(new HttpClient { BaseAddress = Host.BaseAddress, Timeout = TimeSpan.FromSeconds(30) });

    public NpgsqlDataSource CreateDataSource() => NpgsqlDataSource.Create(PostgresConnectionString);

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await DropDatabaseAsync(DatabaseName);
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

/// <summary>The server shared by every test of the run; tests isolate themselves with random names.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public D3ChatServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await D3ChatServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<ServerFixture>
{
    public const string Name = "server";
}
