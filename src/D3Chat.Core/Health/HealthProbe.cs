using D3Chat.Core.Queue;
using D3Chat.Core.Storage;
using Npgsql;
using StackExchange.Redis;

namespace D3Chat.Core.Health;

/// <summary>The outcome of one health probe: per-component state, and whether all are up.</summary>
public sealed record HealthReport(IReadOnlyDictionary<string, string> Checks)
{
    public bool Healthy => Checks.Values.All(v => v == HealthProbe.Ok);

    public IEnumerable<string> Down => Checks.Where(c => c.Value != HealthProbe.Ok).Select(c => c.Key);
}

/// <summary>Checks PostgreSQL, Redis and the work queue, each with a short timeout, in parallel.</summary>
public sealed class HealthProbe(NpgsqlDataSource dataSource, IConnectionMultiplexer redis, StorageAccount storage, QueueNames queues)
{
    public const string Ok = "ok";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public async Task<HealthReport> CheckAsync(CancellationToken ct)
    {
        var postgres = ProbeAsync(async token =>
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(token);
        }, ct);
        var redisCheck = ProbeAsync(async _ => await redis.GetDatabase().PingAsync(), ct);
        var queue = ProbeAsync(async token => await storage.Queue(queues.Fanout).ExistsAsync(token), ct);
        return new HealthReport(new Dictionary<string, string>
        {
            ["postgres"] = await postgres,
            ["redis"] = await redisCheck,
            ["queue"] = await queue,
        });
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
