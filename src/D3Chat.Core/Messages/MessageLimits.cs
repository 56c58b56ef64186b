namespace D3Chat.Core.Messages;

/// <summary>How large a message may be (issue 12 item 2; docs/security.md).</summary>
public static class MessageLimits
{
    /// <summary>
    /// Largest <c>content</c> accepted, in UTF-16 characters (413 above it). 64 Ki characters escape to at
    /// most 384 KiB of JSON (6 bytes per <c>\uXXXX</c>), so a message and its federation event stay under
    /// a peer's 1 MiB body limit; queue events larger than the inline limit of the queue travel by
    /// reference (<see cref="Queue.ChannelEventReferences"/>). Encrypted frames are base64, far below it.
    /// </summary>
    public const int MaxContentChars = 64 * 1024;
}
