using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using D3Chat.Core.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace D3Chat.Core.Avatars;

/// <summary>
/// Avatar blobs (architecture departure 5: Blob Storage, not local disk) in the container named by
/// <c>Storage__AvatarsContainer</c> (default <c>avatars</c>), created on first upload if missing.
/// </summary>
public sealed partial class AvatarStorage(StorageAccount storage, IConfiguration configuration, ILogger<AvatarStorage> logger)
{
    public const string DefaultContainerName = "avatars";

    private readonly BlobContainerClient _container = storage.Container(
        configuration["Storage:AvatarsContainer"] is { Length: > 0 } name ? name : DefaultContainerName);
    private volatile bool _containerReady;

    public async Task UploadAsync(string blobName, Stream content, string contentType, CancellationToken ct)
    {
        await EnsureContainerAsync(ct);
        await _container.GetBlobClient(blobName).UploadAsync(content, new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
        }, ct);
    }

    /// <summary>The blob's content and type, or null when it does not exist.</summary>
    public async Task<(Stream Content, string ContentType)?> OpenAsync(string blobName, CancellationToken ct)
    {
        try
        {
            var result = await _container.GetBlobClient(blobName).DownloadStreamingAsync(cancellationToken: ct);
            return (result.Value.Content, result.Value.Details.ContentType ?? "application/octet-stream");
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Deletes the blob if it exists. Failures are logged, not thrown: a stray blob is harmless.</summary>
    public async Task DeleteAsync(string blobName, CancellationToken ct)
    {
        try
        {
            await _container.GetBlobClient(blobName).DeleteIfExistsAsync(cancellationToken: ct);
        }
        catch (RequestFailedException ex)
        {
            LogDeleteFailed(logger, blobName, ex);
        }
    }

    private async Task EnsureContainerAsync(CancellationToken ct)
    {
        if (_containerReady)
        {
            return;
        }
        await _container.CreateIfNotExistsAsync(cancellationToken: ct);
        _containerReady = true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete avatar blob {BlobName}")]
    private static partial void LogDeleteFailed(ILogger logger, string blobName, Exception exception);
}
