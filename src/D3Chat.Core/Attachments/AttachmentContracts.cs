namespace D3Chat.Core.Attachments;

/// <summary>The spec's AttachmentSnippet (inside MessageResponse.attachments).</summary>
public sealed record AttachmentSnippet(
    Guid Id, string Filename, string ContentType, int SizeBytes, string Url, string? ThumbnailUrl, int? Width, int? Height);

/// <summary>The spec's AttachmentResponse: the snippet plus its message, channel and time.</summary>
public sealed record AttachmentResponse(
    Guid Id, string Filename, string ContentType, int SizeBytes, string Url, string? ThumbnailUrl, int? Width, int? Height,
    Guid? MessageId, Guid ChannelId, DateTime CreatedAt);

/// <summary>An <c>attachments</c> row.</summary>
public sealed record Attachment
{
    public required Guid Id { get; init; }
    public Guid? MessageId { get; init; }
    public Guid ChannelId { get; init; }
    public Guid? UploaderId { get; init; }
    public required string Filename { get; init; }
    public required string ContentType { get; init; }
    public int SizeBytes { get; init; }
    public required string StoragePath { get; init; }
    public string? ThumbnailPath { get; init; }
    public int? Width { get; init; }
    public int? Height { get; init; }
    public DateTime CreatedAt { get; init; }

    public string DownloadPath => $"/api/v1/attachments/{Id:D}/download";

    public string? ThumbnailUrlPath => ThumbnailPath is null ? null : $"/api/v1/attachments/{Id:D}/thumbnail";

    public AttachmentSnippet ToSnippet() => new(Id, Filename, ContentType, SizeBytes, DownloadPath, ThumbnailUrlPath, Width, Height);

    public AttachmentResponse ToResponse() => new(Id, Filename, ContentType, SizeBytes, DownloadPath, ThumbnailUrlPath, Width, Height,
        MessageId, ChannelId, DateTime.SpecifyKind(CreatedAt, DateTimeKind.Utc));
}
