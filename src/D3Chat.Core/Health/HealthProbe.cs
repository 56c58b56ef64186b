using D3Chat.Core.Redis;
using Azure.Messaging.ServiceBus;
using D3Chat.Core.Hosting;
using D3Chat.Core.Queue;
using D3Chat.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;

namespace D3Chat.Core.Health;

/// <summary>The outcome of one health probe: the transport in use, per-component state, and whether all are up.</summary>
public sealed record HealthReport(string Transport, IReadOnlyDictionary<string, string> Checks)
{
    public bool Healthy => !Down.Any();

    /// <summary>Components that fail; a component switched off by configuration (<c>off</c>) is not down.</summary>
    public IEnumerable<string> Down => Checks.Where(c => c.Value is not (HealthProbe.Ok or HealthProbe.Off)).Select(c => c.Key);
}

/// <summary>
/// Which Service Bus entity this app's health check touches: the topic (apps that publish, with the
/// Data Sender role) or its own subscription (apps that only consume, with Data Receiver), so the
/// probe needs no right the app does not already hold.
/// </summary>
public sealed class HealthProbeOptions
{
    /// <summary>Null: open a sender link on the topic. Otherwise: peek this subscription.</summary>
    public string? ServiceBusSubscription { get; set; }
}

/// <summary>
/// Checks PostgreSQL, Redis and the work queue of the transport actually in use (Storage queue, or
/// Service Bus with <c>Queue__Transport=ServiceBus</c>), each with a short timeout, in parallel.
/// </summary>
public sealed class HealthProbe(
    NpgsqlDataSource dataSource,
    RedisKeyspace redis,
    StorageAccount storage,
    QueueNames queues,
    IOptions<QueueOptions> queueOptions,
    IOptions<RedisOptions> redisOptions,
    IOptions<HealthProbeOptions> probeOptions,
    IServiceProvider services)
{
    public const string Ok = "ok";

    /// <summary>A component this deployment runs without (Redis in the small profile).</summary>
    public const string Off = "off";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public string Transport => queueOptions.Value.Transport;

    public async Task<HealthReport> CheckAsync(CancellationToken ct)
    {
        var postgres = ProbeAsync(async token =>
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(token);
        }, ct);
        var redisCheck = redisOptions.Value.Enabled ? ProbeAsync(async _ => await redis.Database.PingAsync(), ct) : Task.FromResult(Off);
        var queue = ProbeAsync(QueueProbe(), ct);
        return new HealthReport(Transport, new Dictionary<string, string>
        {
            ["postgres"] = await postgres,
            ["redis"] = await redisCheck,
            ["queue"] = await queue,
        });
    }

    private Func<CancellationToken, Task> QueueProbe()
    {
        if (!string.Equals(Transport, QueueTransports.ServiceBus, StringComparison.OrdinalIgnoreCase))
        {
            return async token => await storage.Queue(queues.Fanout).ExistsAsync(token);
        }
        var topic = queueOptions.Value.TopicName;
        var subscription = probeOptions.Value.ServiceBusSubscription;
        return async token =>
        {
            // Resolved here, not in the constructor: building the client can fail on bad settings,
            // and that must show as "queue: down", not as a broken health endpoint.
            var client = services.GetRequiredService<ServiceBusClient>();
            if (subscription is null)
            {
                await using var sender = client.CreateSender(topic);
                using var batch = await sender.CreateMessageBatchAsync(token); // opens and authorizes the send link
            }
            else
            {
                await using var receiver = client.CreateReceiver(topic, subscription);
                await receiver.PeekMessageAsync(cancellationToken: token);
            }
        };
    }

    // Only the exception type is reported: messages can carry connection details.
    private static async Task<string> ProbeAsync(Func<CancellationToken, Task> probe, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Timeout);
        try
        {
            await probe(timeout.Token).WaitAsync(timeout.Token);
            return Ok;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return $"down ({ex.GetType().Name})";
        }
    }
}
