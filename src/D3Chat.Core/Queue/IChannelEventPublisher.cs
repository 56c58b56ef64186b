namespace D3Chat.Core.Queue;

/// <summary>Puts a channel event on the work queue for every consumer (fanout and federation relay).</summary>
public interface IChannelEventPublisher
{
    /// <summary>Completes once the transport durably accepted the event; throws when it did not.</summary>
    Task PublishAsync(ChannelEvent channelEvent, CancellationToken ct);
}
