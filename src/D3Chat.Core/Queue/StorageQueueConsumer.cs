using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace D3Chat.Core.Queue;

/// <summary>
/// Runs a consumer's per-event handler on a Storage queue message (<see cref="ChannelEventMessageBody"/>:
/// one event, or an array of them). A message of one event behaves as before: a throw leaves it to the
/// queue trigger, which retries it and after <c>maxDequeueCount</c> dequeues parks it in the poison
/// queue. A message of several never fails for one of them: every event is handled, and those that
/// failed go back to the same queue, each as a message of its own, before the message is completed. A
/// bad event thus spends its retries alone and ends in the poison queue alone, while its neighbours are
/// delivered once. It is tried once in the array and then up to <c>maxDequeueCount</c> times alone.
/// </summary>
public sealed partial class StorageQueueConsumer(IQueueMessageSender sender, ILogger<StorageQueueConsumer> logger)
{
    /// <summary>Events of one message handled at once: their consumers depend on no order between events.</summary>
    public const int EventsAtOnce = 8;

    public async Task HandleAsync(string queueName, string messageBody, Func<string, CancellationToken, Task> handleEvent, CancellationToken ct)
    {
        var events = ChannelEventMessageBody.Split(messageBody);
        if (events.Count == 1)
        {
            await handleEvent(events[0], ct);
            return;
        }
        var failed = new ConcurrentQueue<string>();
        var options = new ParallelOptions { MaxDegreeOfParallelism = EventsAtOnce, CancellationToken = ct };
        await Parallel.ForEachAsync(events, options, async (eventBody, token) =>
        {
            try
            {
                await handleEvent(eventBody, token);
            }
            catch (Exception ex) when (!token.IsCancellationRequested)
            {
                LogEventFailed(queueName, events.Count, ex);
                failed.Enqueue(eventBody);
            }
        });
        // A failed send throws, and the whole message is retried: its handled events are handled
        // again, which the consumers' idempotence absorbs; nothing is lost.
        foreach (var eventBody in failed)
        {
            await sender.SendAsync(queueName, eventBody, ct);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "An event of a {Count}-event message on {Queue} failed; it is re-enqueued alone")]
    private partial void LogEventFailed(string queue, int count, Exception exception);
}
