using System.Text;
using D3Chat.Core.Fanout;

namespace D3Chat.Core.Queue;

/// <summary>
/// Events larger than a queue message travel by reference (issue 13): the publisher sends
/// <see cref="ChannelEvent.ToReference"/> and the consumer loads the event from its outbox row,
/// which retention keeps until well after every consumer has had it (docs/ops.md).
/// </summary>
public sealed class ChannelEventReferences(IStoredChannelEvents outbox)
{
    /// <summary>
    /// Largest UTF-8 body sent inline on a Storage queue: messages are base64-encoded (4/3) and
    /// limited to 64 KiB, so 48 KiB of JSON is the most that fits.
    /// </summary>
    public const int StorageQueueInlineBytes = 48 * 1024;

    /// <summary>Largest body sent inline on Service Bus Standard (256 KiB per message, headers and properties included).</summary>
    public const int ServiceBusInlineBytes = 192 * 1024;

    /// <summary>The queue body for an event: the event itself when it fits <paramref name="inlineLimitBytes"/>, else its reference.</summary>
    public static string BodyFor(ChannelEvent channelEvent, int inlineLimitBytes)
    {
        var json = channelEvent.ToJson();
        return Encoding.UTF8.GetByteCount(json) <= inlineLimitBytes ? json : channelEvent.ToReference().ToJson();
    }

    /// <summary>Parses a queue body; a reference is replaced by the event stored in the outbox.</summary>
    /// <exception cref="InvalidChannelEventException">The body is not a channel event, or its referenced outbox row is gone.</exception>
    public async Task<ChannelEvent> ResolveAsync(string messageBody, CancellationToken ct)
    {
        var channelEvent = ChannelEvent.TryParse(messageBody)
            ?? throw new InvalidChannelEventException("The queue message is not a channel event.");
        if (!channelEvent.ByReference)
        {
            return channelEvent;
        }
        return await outbox.GetEventAsync(channelEvent.Id, ct)
            ?? throw new InvalidChannelEventException($"The outbox row of referenced event {channelEvent.Id} is gone.");
    }
}

/// <summary>Where consumers load an event sent by reference (the <c>outbox</c> table).</summary>
public interface IStoredChannelEvents
{
    Task<ChannelEvent?> GetEventAsync(Guid id, CancellationToken ct);
}
