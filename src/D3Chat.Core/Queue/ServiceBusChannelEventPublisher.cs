using Azure.Messaging.ServiceBus;

namespace D3Chat.Core.Queue;

/// <summary>
/// Service Bus adapter: one message on the <c>channel-events</c> topic, copied by Service Bus to the
/// <c>fanout</c> and <c>federation</c> subscriptions. <c>MessageId</c> is the event id, so the topic's
/// duplicate detection drops a republished event (outbox sweep) inside its detection window. An
/// event too large for a Standard-tier message is sent as a reference (<see cref="ChannelEventReferences"/>).
/// </summary>
public sealed class ServiceBusChannelEventPublisher(ServiceBusSender sender) : IChannelEventPublisher
{
    public Task PublishAsync(ChannelEvent channelEvent, CancellationToken ct) => sender.SendMessageAsync(ToMessage(channelEvent), ct);

    /// <summary>The message for one event: JSON body, event id as MessageId, event type as Subject.</summary>
    public static ServiceBusMessage ToMessage(ChannelEvent channelEvent) => new(BinaryData.FromString(ChannelEventReferences.BodyFor(channelEvent, ChannelEventReferences.ServiceBusInlineBytes)))
    {
        MessageId = channelEvent.Id.ToString("D"),
        ContentType = "application/json",
        Subject = channelEvent.Type,
    };
}
