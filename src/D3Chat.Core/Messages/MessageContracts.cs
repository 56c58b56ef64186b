using D3Chat.Core.Attachments;
using D3Chat.Core.Http;

namespace D3Chat.Core.Messages;

/// <summary>
/// Body of <c>POST /api/v1/channels/{id}/messages</c>. <c>protocol_version</c> 3 (D3Chat) needs the
/// sending device and a well-formed frame (<see cref="MessageFrame"/>); 1 (plaintext) and 2 (the
/// reference's encryption, opaque here) stay as the spec has them. <c>client_message_id</c> makes
/// the send idempotent (<see cref="ClientMessageIds"/>).
/// </summary>
public sealed record SendMessageRequest(
    string? Content,
    string? ContentType = null,
    int ProtocolVersion = 1,
    Guid? SenderDeviceId = null,
    Guid? ReplyToId = null,
    IReadOnlyList<Guid>? AttachmentIds = null,
    string? ClientMessageId = null) : IValidatable
{
    public const string UnknownProtocolVersion = "protocol_version must be 1 (plaintext), 2 (reference encryption) or 3 (D3Chat encryption)";
    public const string DeviceRequired = "sender_device_id is required for protocol_version 3";

    public void Validate(Validator v)
    {
        v.Required("content", Content, 0);
        v.Length("content_type", ContentType, 1, 32);
        if (AttachmentIds is { Count: > 100 })
        {
            v.Fail("attachment_ids", "List should have at most 100 items", "too_long");
        }
        if (ProtocolVersion is not (1 or 2 or MessageFrame.ProtocolVersion))
        {
            v.Fail("protocol_version", UnknownProtocolVersion);
        }
        else if (ProtocolVersion == MessageFrame.ProtocolVersion)
        {
            if (SenderDeviceId is null)
            {
                v.Fail("sender_device_id", DeviceRequired, "missing");
            }
            if (Content is not null && MessageFrame.Problem(Content) is { } frameProblem)
            {
                v.Fail("content", frameProblem);
            }
        }
        if (ClientMessageId is not null && !ClientMessageIds.IsValid(ClientMessageId))
        {
            v.Fail("client_message_id", ClientMessageIds.InvalidMessage);
        }
    }
}

public sealed record EditMessageRequest(string? Content) : IValidatable
{
    public void Validate(Validator v) => v.Required("content", Content, 0);
}

/// <summary>The spec's ReplySnippet.</summary>
public sealed record ReplySnippet(Guid Id, Guid? SenderId, string Content, string ContentType, int ProtocolVersion);

/// <summary>The spec's MessageResponse.</summary>
public sealed record MessageResponse(
    Guid Id,
    Guid ChannelId,
    Guid? SenderId,
    Guid? SenderDeviceId,
    string Content,
    string ContentType,
    int ProtocolVersion,
    Guid? ReplyToId,
    ReplySnippet? ReplyTo,
    IReadOnlyList<AttachmentSnippet> Attachments,
    DateTime? EditedAt,
    DateTime CreatedAt);

/// <summary>A send's answer: the message, and whether it is the one an earlier send with the same client id stored (HTTP 200 instead of 201).</summary>
public sealed record SentMessage(MessageResponse Message, bool Replayed) : IReplayable
{
    object IReplayable.Resource => Message;
}

/// <summary>The spec's MessagePage: oldest → newest.</summary>
public sealed record MessagePage(IReadOnlyList<MessageResponse> Messages, bool HasMore);

/// <summary>
/// The page cursor: messages strictly older than <see cref="Before"/>; with <see cref="BeforeId"/>
/// (a D3Chat addition, query <c>before_id</c>) strictly before the key (before, before_id), which
/// stays exact when several messages share a timestamp.
/// </summary>
public sealed record PageQuery(DateTimeOffset? Before, Guid? BeforeId, int Limit)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 100;

    /// <summary>Reads <c>before</c>, <c>before_id</c> (used only with <c>before</c>) and <c>limit</c>.</summary>
    public static PageQuery Read(QueryParams query)
    {
        var before = query.DateTime("before");
        var beforeId = query.Uuid("before_id");
        return new PageQuery(before, before is null ? null : beforeId, query.Int("limit", DefaultLimit, 1, MaxLimit));
    }
}

/// <summary>A <c>messages</c> row joined with the message it replies to (reply_* columns are null when none).</summary>
internal sealed record MessageRow
{
    public required Guid Id { get; init; }
    public Guid ChannelId { get; init; }
    public Guid? SenderId { get; init; }
    public Guid? SenderDeviceId { get; init; }
    public required string Content { get; init; }
    public string? ContentType { get; init; }
    public int? ProtocolVersion { get; init; }
    public Guid? ReplyToId { get; init; }
    public DateTime? EditedAt { get; init; }
    public DateTime CreatedAt { get; init; }
    public Guid? ReplyId { get; init; }
    public Guid? ReplySenderId { get; init; }
    public string? ReplyContent { get; init; }
    public string? ReplyContentType { get; init; }
    public int? ReplyProtocolVersion { get; init; }

    public ReplySnippet? ReplySnippet => ReplyId is { } id
        ? new ReplySnippet(id, ReplySenderId, ReplyContent ?? "", ReplyContentType ?? "text", ReplyProtocolVersion ?? 1)
        : null;

    public MessageResponse ToResponse(IReadOnlyList<AttachmentSnippet> attachments) => new(
        Id, ChannelId, SenderId, SenderDeviceId, Content, ContentType ?? "text", ProtocolVersion ?? 1, ReplyToId, ReplySnippet, attachments,
        EditedAt is { } edited ? DateTime.SpecifyKind(edited, DateTimeKind.Utc) : null, DateTime.SpecifyKind(CreatedAt, DateTimeKind.Utc));
}
