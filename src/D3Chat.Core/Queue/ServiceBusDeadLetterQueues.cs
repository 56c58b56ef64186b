using Azure.Messaging.ServiceBus;
using D3Chat.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace D3Chat.Core.Queue;

/// <summary>
/// The Service Bus transport's parked messages (<see cref="ParkedChannelEvents"/>): each subscription's
/// dead-letter queue, where <see cref="ChannelEventSettlement"/> puts a message after its last failed
/// delivery. Re-driving sends a copy to the topic and completes the dead-lettered message after it,
/// so a crash in between leaves a duplicate, never a loss. Service Bus cannot send to one
/// subscription, so both consumers get the copy; both are idempotent by event id.
/// </summary>
internal sealed partial class ServiceBusDeadLetterQueues(ServiceBusClient client, string topic, ILogger<ServiceBusDeadLetterQueues> logger)
    : IParkedEventQueues
{
    /// <summary>Application property counting how often an event was re-driven (the copy's count).</summary>
    public const string RedrivesProperty = "d3chat_redrives";

    /// <summary>
    /// The timer gives up on an event after this many re-drives (a bug, not an outage, keeps failing
    /// it); it stays dead-lettered, listed, for an admin's retry.
    /// </summary>
    public const int MaxAutomaticRedrives = 3;

    // Dead-letter queues are counted by peeking (the count API needs the Manage right, which the
    // apps do not hold), so the count stops here and reads "at least".
    private const int CountLimit = 1_000;
    private const int PeekBatch = 250;
    private const int ReceiveBatch = 100;
    private const int MaxPerRun = 2_000;
    private static readonly TimeSpan ReceiveWait = TimeSpan.FromSeconds(1);

    public async Task<IReadOnlyList<PoisonQueueView>> ListAsync(CancellationToken ct)
    {
        var views = new List<PoisonQueueView>();
        foreach (var subscription in ServiceBusSubscriptions.All)
        {
            await using var receiver = DeadLetterReceiver(subscription);
            var peeked = new List<ServiceBusReceivedMessage>();
            while (peeked.Count < CountLimit)
            {
                var batch = await receiver.PeekMessagesAsync(Math.Min(PeekBatch, CountLimit - peeked.Count), cancellationToken: ct);
                if (batch.Count == 0)
                {
                    break;
                }
                peeked.AddRange(batch);
            }
            views.Add(new PoisonQueueView(subscription, receiver.EntityPath, peeked.Count, peeked.Take(ParkedChannelEvents.ListLimit)
                .Select(m => new PoisonMessageView(m.MessageId, m.EnqueuedTime, m.DeadLetterReason)).ToList()));
        }
        return views;
    }

    public async Task<int> RedriveAsync(RedriveMode mode, CancellationToken ct)
    {
        await using var sender = client.CreateSender(topic);
        var moved = 0;
        foreach (var subscription in ServiceBusSubscriptions.All)
        {
            await using var receiver = DeadLetterReceiver(subscription);
            var movedHere = await RedriveSubscriptionAsync(receiver, sender, mode, ct);
            if (movedHere > 0)
            {
                LogRedriven(movedHere, receiver.EntityPath);
            }
            moved += movedHere;
        }
        return moved;
    }

    private static async Task<int> RedriveSubscriptionAsync(ServiceBusReceiver receiver, ServiceBusSender sender, RedriveMode mode, CancellationToken ct)
    {
        // A message left in place is abandoned and comes straight back: stop once a receive brings
        // nothing not seen in this run.
        var seen = new HashSet<long>();
        var moved = 0;
        while (moved < MaxPerRun)
        {
            var batch = await receiver.ReceiveMessagesAsync(ReceiveBatch, ReceiveWait, ct);
            var fresh = batch.Where(m => seen.Add(m.SequenceNumber)).ToHashSet();
            foreach (var message in batch)
            {
                if (!fresh.Contains(message) || !ShouldRedrive(message, mode))
                {
                    await receiver.AbandonMessageAsync(message, cancellationToken: ct);
                    continue;
                }
                await sender.SendMessageAsync(CopyForRedrive(message), ct);
                await receiver.CompleteMessageAsync(message, ct);
                moved++;
            }
            if (fresh.Count == 0)
            {
                break;
            }
        }
        return moved;
    }

    /// <summary>
    /// The timer re-drives what an outage parked; a malformed event never succeeds and one that failed
    /// after <see cref="MaxAutomaticRedrives"/> re-drives points to a bug, so both wait for an admin.
    /// </summary>
    internal static bool ShouldRedrive(ServiceBusReceivedMessage message, RedriveMode mode) =>
        mode == RedriveMode.Admin ||
        (message.DeadLetterReason != ChannelEventSettlement.InvalidReason && RedriveCount(message) < MaxAutomaticRedrives);

    /// <summary>
    /// The copy sent back to the topic: same body, type and trace, one more re-drive counted, and a
    /// new MessageId derived from the event's (the topic's duplicate detection would drop the event
    /// id inside its window, yet a copy sent twice by a crashed run is still dropped).
    /// </summary>
    internal static ServiceBusMessage CopyForRedrive(ServiceBusReceivedMessage parked)
    {
        var redrives = RedriveCount(parked) + 1;
        var copy = new ServiceBusMessage(parked.Body)
        {
            MessageId = $"{EventMessageId(parked.MessageId)}.r{redrives}",
            ContentType = parked.ContentType,
            Subject = parked.Subject,
        };
        if (parked.ApplicationProperties.TryGetValue(D3ChatTelemetry.TraceParentProperty, out var traceParent))
        {
            copy.ApplicationProperties[D3ChatTelemetry.TraceParentProperty] = traceParent;
        }
        copy.ApplicationProperties[RedrivesProperty] = redrives;
        return copy;
    }

    private static int RedriveCount(ServiceBusReceivedMessage message) =>
        message.ApplicationProperties.TryGetValue(RedrivesProperty, out var value) && value is int count ? count : 0;

    // The publisher's MessageId is the event id; a re-driven copy's adds ".r{n}".
    private static string EventMessageId(string messageId) => messageId.Split('.')[0];

    private ServiceBusReceiver DeadLetterReceiver(string subscription) =>
        client.CreateReceiver(topic, subscription, new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });

    [LoggerMessage(Level = LogLevel.Warning, Message = "Re-drove {Count} messages from {DeadLetterQueue} to the topic")]
    private partial void LogRedriven(int count, string deadLetterQueue);
}
