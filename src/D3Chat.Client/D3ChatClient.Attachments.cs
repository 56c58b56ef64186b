using System.Net.Http.Headers;

namespace D3Chat.Client;

public sealed record AttachmentResponse(
    Guid Id, string Filename, string ContentType, int SizeBytes, string Url, string? ThumbnailUrl, int? Width, int? Height,
    Guid? MessageId, Guid ChannelId, DateTime CreatedAt);

/// <summary>Signed, short-lived URLs of one attachment (relative to the server).</summary>
public sealed record AttachmentLink(string Url, string? ThumbnailUrl, DateTimeOffset ExpiresAt);

public sealed partial class D3ChatClient
{
    /// <summary>Uploads <paramref name="content"/> as the multipart part <c>file</c>.</summary>
    public async Task<AttachmentResponse> UploadAttachmentAsync(Guid channelId, byte[] content, string fileName, string contentType, CancellationToken ct = default)
    {
        using var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(content);
        part.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(part, "file", fileName);
        return await SendAsync<AttachmentResponse>(HttpMethod.Post, $"/api/v1/channels/{channelId}/attachments", form, ct);
    }

    public Task<AttachmentLink> CreateAttachmentLinkAsync(Guid attachmentId, CancellationToken ct = default) =>
        SendAsync<AttachmentLink>(HttpMethod.Post, $"/api/v1/attachments/{attachmentId}/link", ct: ct);
}
