using System.ComponentModel.DataAnnotations;

namespace D3Chat.Core.Hosting;

/// <summary>PostgreSQL connection (<c>Postgres__ConnectionString</c>, <c>Postgres__Credential</c>, <c>Postgres__ClientId</c>).</summary>
internal sealed class PostgresOptions
{
    public const string Section = "Postgres";

    /// <summary>Npgsql connection string. With Entra ID authentication it names the role but holds no password.</summary>
    [Required]
    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// Empty: the password in <see cref="ConnectionString"/> (offline, tests). <c>managedidentity</c>:
    /// Microsoft Entra ID tokens of the app's managed identity are the password (Azure).
    /// </summary>
    public string? Credential { get; set; }

    /// <summary>Client id of the user-assigned managed identity; empty uses the default credential chain.</summary>
    public string? ClientId { get; set; }

    /// <summary>
    /// Port of a direct PostgreSQL connection for the migrator, when <see cref="ConnectionString"/>
    /// goes through PgBouncer (6432): its transaction pooling would break the migrator's
    /// session-level advisory lock. Empty or equal to the connection's port: the migrator uses the
    /// same connections as everything else.
    /// </summary>
    public int? DirectPort { get; set; }

    public bool UsesEntraId => string.Equals(Credential, Identity.AzureCredentials.ManagedIdentity, StringComparison.OrdinalIgnoreCase);
}

/// <summary>Redis connection (<c>Redis__ConnectionString</c>, StackExchange.Redis syntax).</summary>
public sealed class RedisOptions
{
    public const string Section = "Redis";

    /// <summary>Empty runs without Redis (deployment profile <c>small</c>): every Redis-backed feature stays in its degraded mode.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Put in front of every key (e.g. <c>d3chat:</c>), so servers can share one Redis; empty in a deployment with its own Redis.</summary>
    public string? KeyPrefix { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(ConnectionString);
}

/// <summary>Which transport carries channel events, and its names.</summary>
public sealed class QueueOptions
{
    public const string Section = "Queue";

    /// <summary><c>StorageQueues</c> (Azurite offline, Storage in Azure) or <c>ServiceBus</c>.</summary>
    [Required]
    public string Transport { get; set; } = QueueTransports.StorageQueues;

    /// <summary>Service Bus connection string; used only when <see cref="Transport"/> is ServiceBus.</summary>
    public string? ServiceBusConnection { get; set; }

    public string TopicName { get; set; } = "channel-events";

    /// <summary>
    /// Failed publishes after which an outbox event moves to <c>outbox_dead_letters</c> (admins list
    /// and retry it). With the default backoff, 12 attempts span about two hours.
    /// </summary>
    [Range(1, 1000)]
    public int OutboxMaxAttempts { get; set; } = 12;

    /// <summary>Delay before the second attempt; it doubles per failure, capped at 30 minutes.</summary>
    [Range(0.01, 3600)]
    public double OutboxRetryBaseSeconds { get; set; } = 5;
}

internal static class QueueTransports
{
    public const string StorageQueues = "StorageQueues";
    public const string ServiceBus = "ServiceBus";
}

/// <summary>This server's public identity.</summary>
public sealed class ServerOptions
{
    public const string Section = "Server";

    /// <summary>The federation domain, e.g. <c>chat.example.com</c> or <c>localhost:7071</c>.</summary>
    [Required]
    public string Domain { get; set; } = "";

    /// <summary>Base URL peers and browsers use; defaults to <c>http://{Domain}</c> when empty.</summary>
    public string? ApiBaseUrl { get; set; }

    public string EffectiveApiBaseUrl => string.IsNullOrWhiteSpace(ApiBaseUrl) ? $"http://{Domain}" : ApiBaseUrl.TrimEnd('/');
}
