using System.Globalization;

namespace D3Chat.Client;

public sealed record ReplySnippet(Guid Id, Guid? SenderId, string Content, string ContentType, int ProtocolVersion);

public sealed record AttachmentSnippet(Guid Id, string Filename, string ContentType, int SizeBytes, string Url, string? ThumbnailUrl, int? Width, int? Height);

public sealed record MessageResponse(
    Guid Id, Guid ChannelId, Guid? SenderId, Guid? SenderDeviceId, string Content, string ContentType, int ProtocolVersion,
    Guid? ReplyToId, ReplySnippet? ReplyTo, List<AttachmentSnippet> Attachments, DateTime? EditedAt, DateTime CreatedAt);

public sealed record MessagePage(List<MessageResponse> Messages, bool HasMore);

public sealed partial class D3ChatClient
{
    /// <summary>One page, oldest → newest. Pass the oldest held message's <c>created_at</c> and id to get the page before it.</summary>
    public Task<MessagePage> GetMessagesAsync(Guid channelId, DateTime? before = null, Guid? beforeId = null, int? limit = null, CancellationToken ct = default)
    {
        var query = new List<string>();
        if (before is { } b)
        {
            query.Add("before=" + Uri.EscapeDataString(b.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture)));
        }
        if (beforeId is { } id)
        {
            query.Add($"before_id={id}");
        }
        if (limit is { } l)
        {
            query.Add($"limit={l}");
        }
        var suffix = query.Count == 0 ? "" : "?" + string.Join('&', query);
        return SendAsync<MessagePage>(HttpMethod.Get, $"/api/v1/channels/{channelId}/messages{suffix}", ct: ct);
    }

    /// <summary>
    /// Posts a message. Encrypted channels (all of them, by default) refuse <paramref name="protocolVersion"/> 1;
    /// version 3 needs <paramref name="senderDeviceId"/> and a v3 frame as <paramref name="content"/>.
    /// With <paramref name="clientMessageId"/>, a retry (same id, same channel, within 24 h) returns the
    /// first message instead of storing another, so pass one id per message and reuse it on retries.
    /// </summary>
    public Task<MessageResponse> SendMessageAsync(Guid channelId, string content, Guid? senderDeviceId = null, Guid? replyToId = null,
        IReadOnlyList<Guid>? attachmentIds = null, string contentType = "text", int protocolVersion = 1, string? clientMessageId = null,
        CancellationToken ct = default) =>
        SendAsync<MessageResponse>(HttpMethod.Post, $"/api/v1/channels/{channelId}/messages", new
        {
            content,
            content_type = contentType,
            protocol_version = protocolVersion,
            sender_device_id = senderDeviceId,
            reply_to_id = replyToId,
            attachment_ids = attachmentIds ?? Array.Empty<Guid>(),
            client_message_id = clientMessageId,
        }, ct);

    public Task<MessageResponse> EditMessageAsync(Guid messageId, string content, CancellationToken ct = default) =>
        SendAsync<MessageResponse>(HttpMethod.Patch, $"/api/v1/channels/messages/{messageId}", new { content }, ct);

    public Task DeleteMessageAsync(Guid messageId, CancellationToken ct = default) =>
        SendNoContentAsync(HttpMethod.Delete, $"/api/v1/channels/messages/{messageId}", ct: ct);
}
