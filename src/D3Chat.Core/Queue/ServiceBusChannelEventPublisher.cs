using Azure.Messaging.ServiceBus;
using D3Chat.Core.Telemetry;

namespace D3Chat.Core.Queue;

/// <summary>
/// Service Bus adapter: one message per event on the <c>channel-events</c> topic, copied by Service Bus
/// to the <c>fanout</c> and <c>federation</c> subscriptions, so the consumers see single events. A
/// round's messages go out in as few <see cref="ServiceBusMessageBatch"/> sends as their size allows
/// (issue 14: one round trip, not one per event). <c>MessageId</c> is the event id, so the topic's
/// duplicate detection drops a republished event (outbox sweep) inside its detection window. An
/// event too large for a Standard-tier message is sent as a reference (<see cref="ChannelEventReferences"/>).
/// </summary>
internal sealed class ServiceBusChannelEventPublisher(ServiceBusSender sender) : IChannelEventPublisher
{
    public async Task<IReadOnlyList<PublishFailure>> PublishAsync(IReadOnlyList<ChannelEvent> events, CancellationToken ct)
    {
        var failures = new List<PublishFailure>();
        var pending = new Queue<ChannelEvent>(events);
        while (pending.Count > 0)
        {
            var batched = new List<ChannelEvent>();
            try
            {
                using var batch = await sender.CreateMessageBatchAsync(ct);
                // An event goes on the batch until it is full; the one that did not fit starts the next.
                while (pending.TryPeek(out var next) && batch.TryAddMessage(Traced(next)))
                {
                    batched.Add(pending.Dequeue());
                }
                if (batched.Count == 0)
                {
                    // Not even alone in an empty batch: the inline limit leaves room, so this is a bug, not an outage.
                    var alone = pending.Dequeue();
                    failures.Add(new PublishFailure(alone, new InvalidOperationException($"Event {alone.Id} does not fit an empty Service Bus batch.")));
                    continue;
                }
                await sender.SendMessagesAsync(batch, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // This batch is lost as a whole (Service Bus accepts a batch atomically); later ones are still tried.
                failures.AddRange(batched.Select(e => new PublishFailure(e, ex)));
                if (batched.Count == 0)
                {
                    // No batch could be created: the rest of the round fails alike.
                    failures.AddRange(pending.Select(e => new PublishFailure(e, ex)));
                    pending.Clear();
                }
                continue;
            }
            foreach (var published in batched)
            {
                D3ChatTelemetry.EventsPublished.Add(1, new KeyValuePair<string, object?>(D3ChatTelemetry.EventTypeTag, published.Type));
            }
        }
        return failures;
    }

    // Each event's own producer span, whose id the message carries so fanout and relay continue the trace.
    private static ServiceBusMessage Traced(ChannelEvent channelEvent)
    {
        using var activity = D3ChatTelemetry.StartPublish(channelEvent.Id, channelEvent.Type);
        return ToMessage(channelEvent, activity?.Id);
    }

    /// <summary>
    /// The message for one event: JSON body, event id as MessageId, event type as Subject, and the
    /// publishing span as <c>traceparent</c> so fanout and relay continue the same trace.
    /// </summary>
    public static ServiceBusMessage ToMessage(ChannelEvent channelEvent, string? traceParent = null)
    {
        var message = new ServiceBusMessage(BinaryData.FromString(ChannelEventReferences.BodyFor(channelEvent, ChannelEventReferences.ServiceBusInlineBytes)))
        {
            MessageId = channelEvent.Id.ToString("D"),
            ContentType = "application/json",
            Subject = channelEvent.Type,
        };
        if (traceParent is not null)
        {
            message.ApplicationProperties[D3ChatTelemetry.TraceParentProperty] = traceParent;
        }
        return message;
    }
}
