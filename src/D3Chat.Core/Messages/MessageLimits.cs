namespace D3Chat.Core.Messages;

/// <summary>How large a message may be (issue 12 item 2; docs/security.md).</summary>
public static class MessageLimits
{
    /// <summary>
    /// Largest <c>content</c> accepted, in UTF-16 characters (413 above it). 160,000 characters escape to at
    /// most 960,000 bytes of JSON (6 bytes per <c>\uXXXX</c>), so a message's federation event stays under a
    /// peer's 1 MiB body limit. A message.new event of the largest message replying to another is over
    /// both queues' limits (Storage 64 KiB, Service Bus Standard 256 KiB) and travels by reference
    /// (<see cref="Queue.ChannelEventReferences"/>). A v3 frame of 120,000 bytes is exactly this long in base64.
    /// </summary>
    public const int MaxContentChars = 160_000;
}
