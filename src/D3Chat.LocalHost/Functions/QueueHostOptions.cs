using System.Text.Json;

namespace D3Chat.LocalHost.Functions;

/// <summary>
/// The <c>extensions.queues</c> section of an app's host.json, with the Functions host's defaults,
/// so retries and poisoning behave offline as they do in Azure.
/// </summary>
internal sealed record QueueHostOptions(int MaxDequeueCount, TimeSpan VisibilityTimeout, TimeSpan MaxPollingInterval, int BatchSize, bool Base64)
{
    public static readonly QueueHostOptions Defaults = new(5, TimeSpan.Zero, TimeSpan.FromSeconds(1), 16, true);

    public static QueueHostOptions FromHostJson(string path)
    {
        if (!File.Exists(path))
        {
            return Defaults;
        }
        using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        if (!document.RootElement.TryGetProperty("extensions", out var extensions) || !extensions.TryGetProperty("queues", out var queues))
        {
            return Defaults;
        }
        return new QueueHostOptions(
            queues.TryGetProperty("maxDequeueCount", out var count) ? count.GetInt32() : Defaults.MaxDequeueCount,
            queues.TryGetProperty("visibilityTimeout", out var visibility) ? TimeSpan.Parse(visibility.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : Defaults.VisibilityTimeout,
            // The Azure default polls up to once a minute; offline we cap it at one second so local work feels immediate.
            queues.TryGetProperty("maxPollingInterval", out var polling) ? TimeSpan.Parse(polling.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : Defaults.MaxPollingInterval,
            queues.TryGetProperty("batchSize", out var batch) ? batch.GetInt32() : Defaults.BatchSize,
            !queues.TryGetProperty("messageEncoding", out var encoding) || !string.Equals(encoding.GetString(), "none", StringComparison.OrdinalIgnoreCase));
    }
}
