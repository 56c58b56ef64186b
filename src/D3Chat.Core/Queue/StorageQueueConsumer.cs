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

    public Task HandleAsync(string queueName, string messageBody, Func<string, CancellationToken, Task> handleEvent, CancellationToken ct) =>
        HandleEachAsync(queueName, ChannelEventMessageBody.Split(messageBody), handleEvent, ct);

    /// <summary>
    /// For a consumer that gains from seeing a message's events together (the relay sends them to a peer
    /// in one federation batch): <paramref name="handleAll"/> takes them at once; should it throw, each
    /// event is handled again on its own as in <see cref="HandleAsync"/>, so the failure stays isolated
    /// (the consumers are idempotent, so what the failed attempt already did is not done twice).
    /// </summary>
    public async Task HandleTogetherAsync(
        string queueName, string messageBody, Func<IReadOnlyList<string>, CancellationToken, Task> handleAll,
        Func<string, CancellationToken, Task> handleEvent, CancellationToken ct)
    {
        var events = ChannelEventMessageBody.Split(messageBody);
        if (events.Count > 1)
        {
            try
            {
                await handleAll(events, ct);
                return;
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                LogTogetherFailed(queueName, events.Count, ex);
            }
        }
        await HandleEachAsync(queueName, events, handleEvent, ct);
    }

    private async Task HandleEachAsync(string queueName, IReadOnlyList<string> events, Func<string, CancellationToken, Task> handleEvent, CancellationToken ct)
    {
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Count} events of a message on {Queue} failed together; each is handled alone")]
    private partial void LogTogetherFailed(string queue, int count, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An event of a {Count}-event message on {Queue} failed; it is re-enqueued alone")]
    private partial void LogEventFailed(string queue, int count, Exception exception);
}
