using System.Text;
using System.Text.Json;
using D3Chat.Core.Fanout;

namespace D3Chat.Core.Queue;

/// <summary>One Storage queue message of a publishing round: its body and the events it holds.</summary>
public sealed record PackedMessage(string Body, IReadOnlyList<ChannelEvent> Events);

/// <summary>
/// The body of a Storage queue message (issue 14): one channel event object, as before, or a JSON array
/// of two or more. Every queue message costs the same send, receive and delete however small it is, so
/// a publishing round travels in as few messages as fit the size limit. A message that ends up with one
/// event is written as the bare object, which consumers from before the arrays still read.
/// </summary>
public static class ChannelEventMessageBody
{
    /// <summary>
    /// Packs the events in order into messages whose UTF-8 body stays within <paramref name="limitBytes"/>;
    /// an event larger than the limit on its own travels by reference (<see cref="ChannelEventReferences"/>).
    /// </summary>
    public static IReadOnlyList<PackedMessage> Pack(IEnumerable<ChannelEvent> events, int limitBytes)
    {
        var messages = new List<PackedMessage>();
        var bodies = new List<string>();
        var held = new List<ChannelEvent>();
        var bytes = 0;
        foreach (var channelEvent in events)
        {
            var body = ChannelEventReferences.BodyFor(channelEvent, limitBytes);
            var size = Encoding.UTF8.GetByteCount(body);
            // The array adds its brackets and one comma per further event.
            if (held.Count > 0 && bytes + 2 + held.Count + size > limitBytes)
            {
                messages.Add(Join(bodies, held));
                bodies = [];
                held = [];
                bytes = 0;
            }
            bodies.Add(body);
            held.Add(channelEvent);
            bytes += size;
        }
        if (held.Count > 0)
        {
            messages.Add(Join(bodies, held));
        }
        return messages;
    }

    /// <summary>The events of a message body, each as the JSON of one event (inline or a reference).</summary>
    /// <exception cref="InvalidChannelEventException">The body is neither an event object nor a non-empty array of them.</exception>
    public static IReadOnlyList<string> Split(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            return root.ValueKind switch
            {
                JsonValueKind.Object => [body],
                JsonValueKind.Array when root.GetArrayLength() > 0 => [.. root.EnumerateArray().Select(e => e.GetRawText())],
                _ => throw new InvalidChannelEventException("The queue message is neither a channel event nor an array of them."),
            };
        }
        catch (JsonException)
        {
            throw new InvalidChannelEventException("The queue message is not JSON.");
        }
    }

    private static PackedMessage Join(List<string> bodies, List<ChannelEvent> events) =>
        new(bodies.Count == 1 ? bodies[0] : $"[{string.Join(',', bodies)}]", events);
}
