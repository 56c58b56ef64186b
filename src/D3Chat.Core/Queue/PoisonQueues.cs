using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using D3Chat.Core.Storage;
using Microsoft.Extensions.Logging;

namespace D3Chat.Core.Queue;

/// <summary>
/// The Storage queues' parked messages (<see cref="ParkedChannelEvents"/>): a queue trigger that failed
/// <c>maxDequeueCount</c> times in a row (typically because PostgreSQL was down for longer than
/// its quick retries) parks the message in <c>{queue}-poison</c>; re-driving moves it back to its queue.
/// </summary>
public sealed partial class PoisonQueues(StorageAccount storage, QueueNames names, ILogger<PoisonQueues> logger) : IParkedEventQueues
{
    /// <summary>Suffix the Functions host (and the LocalHost) gives a queue's poison queue.</summary>
    public const string PoisonSuffix = "-poison";

    // Storage returns at most 32 messages per receive; re-driving stops after this many per call so
    // one timer run stays short, and the next run takes the rest.
    private const int MaxPerRun = 2_000;
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    public async Task<IReadOnlyList<PoisonQueueView>> ListAsync(CancellationToken ct)
    {
        var views = new List<PoisonQueueView>();
        foreach (var name in names.All)
        {
            var poison = storage.Queue(name + PoisonSuffix);
            if (!(await poison.ExistsAsync(ct)).Value)
            {
                views.Add(new PoisonQueueView(name, poison.Name, 0, []));
                continue;
            }
            var properties = await poison.GetPropertiesAsync(ct);
            PeekedMessage[] peeked = await poison.PeekMessagesAsync(ParkedChannelEvents.ListLimit, ct);
            views.Add(new PoisonQueueView(name, poison.Name, properties.Value.ApproximateMessagesCount,
                peeked.Select(m => new PoisonMessageView(m.MessageId, m.InsertedOn, Reason: null)).ToList()));
        }
        return views;
    }

    /// <summary>
    /// Moves poison messages back to their queues; returns how many moved. A Storage queue message
    /// carries no failure reason or re-drive count, so <paramref name="mode"/> changes nothing here.
    /// </summary>
    public async Task<int> RedriveAsync(RedriveMode mode, CancellationToken ct)
    {
        var moved = 0;
        foreach (var name in names.All)
        {
            var poison = storage.Queue(name + PoisonSuffix);
            if (!(await poison.ExistsAsync(ct)).Value)
            {
                continue;
            }
            var queue = storage.Queue(name);
            await queue.CreateIfNotExistsAsync(cancellationToken: ct);
            var movedHere = 0;
            while (movedHere < MaxPerRun)
            {
                QueueMessage[] batch = await poison.ReceiveMessagesAsync(32, Lease, ct);
                if (batch.Length == 0)
                {
                    break;
                }
                foreach (var message in batch)
                {
                    // Send first, then delete: a crash in between leaves a duplicate, never a loss.
                    await queue.SendMessageAsync(message.Body, cancellationToken: ct);
                    await poison.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct);
                    movedHere++;
                }
            }
            if (movedHere > 0)
            {
                LogRedriven(movedHere, poison.Name, name);
            }
            moved += movedHere;
        }
        return moved;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Moved {Count} messages from {Poison} back to {Queue}")]
    private partial void LogRedriven(int count, string poison, string queue);
}
