using Microsoft.Extensions.Logging;

namespace D3Chat.Core.Outbox;

/// <summary>
/// Republishes outbox events that were committed but never marked sent (the queue was down, or the
/// process died between commit and publish). Events younger than <see cref="GracePeriod"/> are left
/// to the request that wrote them, so the sweep rarely races a publish in flight; if it does, the
/// consumers' dedup by event id absorbs the duplicate.
/// </summary>
public sealed partial class OutboxSweeper(OutboxStore store, OutboxPublisher publisher, TimeProvider time, ILogger<OutboxSweeper> logger)
{
    public static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(5);

    /// <summary>Rows per sweep; a larger backlog drains over consecutive sweeps.</summary>
    public const int BatchSize = 500;

    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var pending = await store.ListUnsentAsync(time.GetUtcNow() - GracePeriod, BatchSize, ct);
        if (pending.Count == 0)
        {
            return 0;
        }
        var published = await publisher.PublishAsync(pending, ct);
        LogSwept(pending.Count, published);
        return published;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox sweep found {Pending} unsent events and published {Published}")]
    private partial void LogSwept(int pending, int published);
}
