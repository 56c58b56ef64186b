using D3Chat.Core.Data;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using D3Chat.Core.Auth;
using D3Chat.Core.Channels;
using D3Chat.Core.Http;
using D3Chat.Core.Storage;
using Microsoft.AspNetCore.Http;

namespace D3Chat.Core.Attachments;

/// <summary>What an upload carries: the multipart <c>file</c> part.</summary>
public sealed record AttachmentUpload(string? FileName, string? ContentType, long Length, Func<Stream> Open)
{
    public static AttachmentUpload From(IFormFile file) => new(file.FileName, file.ContentType, file.Length, file.OpenReadStream);
}

/// <summary>A signed download link (departure 5), valid until <c>expires_at</c>.</summary>
public sealed record AttachmentLinkResponse(string Url, string? ThumbnailUrl, DateTimeOffset ExpiresAt);

/// <summary>
/// Spec api.md §9 attachments with departure 5: blobs in Azure Blob Storage (container
/// <see cref="Container"/>), downloads through short-lived signed links issued after a membership check.
/// The blob holds exactly what the client sent (the web client uploads ciphertext).
/// </summary>
public sealed class AttachmentService(
    AttachmentStore attachments,
    ChannelStore channels,
    AttachmentLinks links,
    StorageAccount storage,
    TimeProvider time)
{
    public const string Container = "attachments";
    public const long MaxBytes = 10 * 1024 * 1024;

    private volatile bool _containerReady;

    public async Task<Outcome<AttachmentResponse>> UploadAsync(CurrentUser caller, Guid channelId, AttachmentUpload file, CancellationToken ct)
    {
        if (!await channels.IsMemberAsync(channelId, caller.Id, ct))
        {
            return Problem.NotChannelMember;
        }
        if (file.Length > MaxBytes)
        {
            return Problem.AttachmentTooLarge;
        }
        var content = new byte[file.Length];
        await using (var stream = file.Open())
        {
            await stream.ReadExactlyAsync(content, ct);
        }
        var id = Guid.NewGuid();
        var filename = string.IsNullOrEmpty(file.FileName) ? "upload" : Path.GetFileName(file.FileName);
        var contentType = string.IsNullOrEmpty(file.ContentType) ? "application/octet-stream" : file.ContentType;
        var extension = Path.GetExtension(filename);
        var attachment = new Attachment
        {
            Id = id,
            ChannelId = channelId,
            UploaderId = caller.Id,
            Filename = filename.Length > 255 ? filename[^255..] : filename,
            ContentType = contentType.Length > 128 ? "application/octet-stream" : contentType,
            SizeBytes = content.Length,
            StoragePath = $"{channelId:D}/{id:D}{(extension.Length <= 16 ? extension : "")}",
            CreatedAt = DbTime.DbPrecision(time.GetUtcNow()).UtcDateTime,
        };
        var container = await ContainerAsync(ct);
        await container.GetBlobClient(attachment.StoragePath).UploadAsync(new BinaryData(content),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = attachment.ContentType } }, ct);
        if (Thumbnailer.ImageTypes.Contains(attachment.ContentType) && await Thumbnailer.TryCreateAsync(content, ct) is { } thumb)
        {
            var thumbnailPath = $"{channelId:D}/{id:D}_thumb.webp";
            await container.GetBlobClient(thumbnailPath).UploadAsync(new BinaryData(thumb.Webp),
                new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "image/webp" } }, ct);
            attachment = attachment with { ThumbnailPath = thumbnailPath, Width = thumb.Width, Height = thumb.Height };
        }
        await attachments.InsertAsync(attachment, ct);
        return attachment.ToResponse();
    }

    /// <summary>Issues signed download (and thumbnail) URLs to a member of the attachment's channel.</summary>
    public async Task<Outcome<AttachmentLinkResponse>> LinkAsync(CurrentUser caller, Guid attachmentId, CancellationToken ct)
    {
        var attachment = await attachments.GetAsync(attachmentId, ct);
        if (attachment is null)
        {
            return Problem.AttachmentNotFound;
        }
        if (!await channels.IsMemberAsync(attachment.ChannelId, caller.Id, ct))
        {
            return Problem.NotChannelMember;
        }
        var (token, expiresAt) = links.Issue(attachment.Id, caller.Id);
        var query = "?token=" + Uri.EscapeDataString(token);
        return new AttachmentLinkResponse(attachment.DownloadPath + query, attachment.ThumbnailUrlPath is { } thumb ? thumb + query : null, expiresAt);
    }

    /// <summary>The file (or its thumbnail) for a valid link token whose user is still a member.</summary>
    public async Task<Outcome<FileDownload>> OpenAsync(Guid attachmentId, string? token, bool thumbnail, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token))
        {
            return Problem.AttachmentTokenMissing;
        }
        if (links.Validate(token, attachmentId) is not { } userId)
        {
            return Problem.InvalidToken;
        }
        var attachment = await attachments.GetAsync(attachmentId, ct);
        if (attachment is null)
        {
            return Problem.AttachmentNotFound;
        }
        if (!await channels.IsMemberAsync(attachment.ChannelId, userId, ct))
        {
            return Problem.NotChannelMember;
        }
        var path = thumbnail ? attachment.ThumbnailPath : attachment.StoragePath;
        if (path is null)
        {
            return Problem.ThumbnailNotAvailable;
        }
        try
        {
            var blob = await (await ContainerAsync(ct)).GetBlobClient(path).DownloadStreamingAsync(cancellationToken: ct);
            return thumbnail
                ? new FileDownload(blob.Value.Content, "image/webp")
                : new FileDownload(blob.Value.Content, attachment.ContentType, attachment.Filename);
        }
        catch (RequestFailedException ex) when (ex.Status == StatusCodes.Status404NotFound)
        {
            return thumbnail ? Problem.ThumbnailNotAvailable : Problem.FileNotOnDisk;
        }
    }

    // Created on first use, so a fresh Azurite or a new deployment needs no setup step.
    private async Task<BlobContainerClient> ContainerAsync(CancellationToken ct)
    {
        var container = storage.Container(Container);
        if (!_containerReady)
        {
            await container.CreateIfNotExistsAsync(cancellationToken: ct);
            _containerReady = true;
        }
        return container;
    }
}
