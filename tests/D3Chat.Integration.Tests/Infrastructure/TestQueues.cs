using Azure.Storage.Queues;

namespace D3Chat.Integration.Tests.Infrastructure;

/// <summary>The Azurite queues of a test's server, as the queue trigger reads them (base64 bodies).</summary>
public static class TestQueues
{
    /// <summary>The queue <paramref name="name"/>, created if it does not exist yet.</summary>
    public static async Task<QueueClient> OpenAsync(string name)
    {
        var queue = new QueueClient(TestEnvironment.Storage, name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await queue.CreateIfNotExistsAsync();
        return queue;
    }
}
