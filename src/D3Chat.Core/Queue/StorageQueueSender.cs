using System.Collections.Concurrent;
using Azure.Storage.Queues;
using D3Chat.Core.Storage;

namespace D3Chat.Core.Queue;

/// <summary>Sends a message body to a Storage queue (a seam, so publishing and re-enqueuing are testable without Storage).</summary>
public interface IQueueMessageSender
{
    /// <summary>Completes once the queue durably accepted the message; throws when it did not.</summary>
    Task SendAsync(string queueName, string body, CancellationToken ct);
}

/// <summary>
/// Sends to the Storage queues and tells each accepted send to the <see cref="IQueueSendObserver"/>s
/// (none in Azure; the LocalHost's wakes its listener of that queue).
/// </summary>
internal sealed class StorageQueueSender(StorageAccount storage, IEnumerable<IQueueSendObserver> observers) : IQueueMessageSender
{
    private readonly IQueueSendObserver[] _observers = [.. observers];

    private readonly ConcurrentDictionary<string, QueueClient> _ready = new();

    public async Task SendAsync(string queueName, string body, CancellationToken ct)
    {
        var queue = await GetQueueAsync(queueName, ct);
        await queue.SendMessageAsync(body, ct);
        foreach (var observer in _observers)
        {
            observer.Sent(queueName);
        }
    }

    // Creating each queue once per process keeps a fresh Azurite (or a new deployment) working
    // without a setup step; a failed attempt is not cached, so the next send tries again.
    private async Task<QueueClient> GetQueueAsync(string name, CancellationToken ct)
    {
        if (_ready.TryGetValue(name, out var ready))
        {
            return ready;
        }
        var queue = storage.Queue(name);
        await queue.CreateIfNotExistsAsync(cancellationToken: ct);
        _ready[name] = queue;
        return queue;
    }
}
