namespace D3Chat.Core.Queue;

/// <summary>Puts channel events on the work queue for every consumer (fanout and federation relay).</summary>
public interface IChannelEventPublisher
{
    /// <summary>
    /// Publishes the events of one round, as few transport messages as the transport allows (issue 14).
    /// Returns the events the transport did not accept, each with its error; every other event was
    /// durably accepted. Throws only when it could not tell which were accepted (then none counts as sent).
    /// </summary>
    Task<IReadOnlyList<PublishFailure>> PublishAsync(IReadOnlyList<ChannelEvent> events, CancellationToken ct);
}

/// <summary>An event the transport did not accept, and why.</summary>
public sealed record PublishFailure(ChannelEvent Event, Exception Error);
