using Azure.Messaging.ServiceBus;
using D3Chat.Core.Telemetry;

namespace D3Chat.Core.Queue;

/// <summary>
/// Service Bus adapter: one message on the <c>channel-events</c> topic, copied by Service Bus to the
/// <c>fanout</c> and <c>federation</c> subscriptions. <c>MessageId</c> is the event id, so the topic's
/// duplicate detection drops a republished event (outbox sweep) inside its detection window. An
/// event too large for a Standard-tier message is sent as a reference (<see cref="ChannelEventReferences"/>).
/// </summary>
internal sealed class ServiceBusChannelEventPublisher(ServiceBusSender sender) : IChannelEventPublisher
{
    public async Task PublishAsync(ChannelEvent channelEvent, CancellationToken ct)
    {
        using var activity = D3ChatTelemetry.StartPublish(channelEvent.Id, channelEvent.Type);
        await sender.SendMessageAsync(ToMessage(channelEvent, activity?.Id), ct);
        D3ChatTelemetry.EventsPublished.Add(1, new KeyValuePair<string, object?>(D3ChatTelemetry.EventTypeTag, channelEvent.Type));
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
