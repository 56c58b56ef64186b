using Azure.Core;
using D3Chat.Core.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;

namespace D3Chat.Core.Storage;

/// <summary>
/// Builds Storage clients from the same settings the Functions host uses for
/// <c>AzureWebJobsStorage</c>: a connection string offline (Azurite), or identity-based
/// <c>AzureWebJobsStorage__queueServiceUri</c> / <c>__blobServiceUri</c> (+ <c>__clientId</c>) in Azure.
/// </summary>
public sealed class StorageAccount
{
    public const string ConnectionKey = "AzureWebJobsStorage";

    /// <summary>Retries of one queue call after the first try (the SDK default is 3, with up to 100 s per try).</summary>
    public const int QueueMaxRetries = 2;

    public static readonly TimeSpan QueueNetworkTimeout = TimeSpan.FromSeconds(5);

    private readonly string? _connectionString;
    private readonly Uri? _queueServiceUri;
    private readonly Uri? _blobServiceUri;
    private readonly TokenCredential? _credential;

    public StorageAccount(IConfiguration configuration)
    {
        _connectionString = configuration[ConnectionKey];
        if (!string.IsNullOrWhiteSpace(_connectionString))
        {
            return;
        }
        var section = configuration.GetSection(ConnectionKey);
        var accountName = section["accountName"];
        _queueServiceUri = UriOrNull(section["queueServiceUri"]) ?? UriOrNull(accountName is null ? null : $"https://{accountName}.queue.core.windows.net");
        _blobServiceUri = UriOrNull(section["blobServiceUri"]) ?? UriOrNull(accountName is null ? null : $"https://{accountName}.blob.core.windows.net");
        if (_queueServiceUri is null || _blobServiceUri is null)
        {
            throw new InvalidOperationException(
                $"Storage is not configured: set {ConnectionKey} to a connection string, or {ConnectionKey}__accountName for identity-based access.");
        }
        var clientId = section["clientId"];
        _credential = AzureCredentials.For(clientId);
    }

    /// <summary>A queue client; messages are base64-encoded unless told otherwise, as the Functions queue trigger expects by default.</summary>
    public QueueClient Queue(string name, bool base64 = true)
    {
        var options = new QueueClientOptions { MessageEncoding = base64 ? QueueMessageEncoding.Base64 : QueueMessageEncoding.None };
        // Queue messages are small and a failed publish stays in the outbox for the sweep, so a
        // request must not wait out the SDK's default retries (~30 s when Storage is down).
        options.Retry.MaxRetries = QueueMaxRetries;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(1);
        options.Retry.NetworkTimeout = QueueNetworkTimeout;
        return _connectionString is not null
            ? new QueueClient(_connectionString, name, options)
            : new QueueServiceClient(_queueServiceUri, _credential, options).GetQueueClient(name);
    }

    public BlobContainerClient Container(string name) =>
        _connectionString is not null
            ? new BlobContainerClient(_connectionString, name)
            : new BlobServiceClient(_blobServiceUri, _credential).GetBlobContainerClient(name);

    private static Uri? UriOrNull(string? value) => string.IsNullOrWhiteSpace(value) ? null : new Uri(value);
}
