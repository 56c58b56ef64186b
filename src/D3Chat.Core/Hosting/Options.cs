using System.ComponentModel.DataAnnotations;

namespace D3Chat.Core.Hosting;

/// <summary>PostgreSQL connection (<c>Postgres__ConnectionString</c>).</summary>
public sealed class PostgresOptions
{
    public const string Section = "Postgres";

    [Required]
    public string ConnectionString { get; set; } = "";
}

/// <summary>Redis connection (<c>Redis__ConnectionString</c>, StackExchange.Redis syntax).</summary>
public sealed class RedisOptions
{
    public const string Section = "Redis";

    [Required]
    public string ConnectionString { get; set; } = "";
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

public static class QueueTransports
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
