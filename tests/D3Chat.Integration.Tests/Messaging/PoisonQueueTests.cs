using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Storage.Queues;
using D3Chat.Core.Queue;
using D3Chat.Integration.Tests.Infrastructure;
using Dapper;

namespace D3Chat.Integration.Tests.Messaging;

/// <summary>
/// Issue 13 item 2: a queue message that exhausted its retries (parked in <c>{queue}-poison</c>, e.g.
/// while PostgreSQL was down) goes back to its queue by itself once PostgreSQL answers, and admins
/// can list and re-drive the poison queues. The consumers are idempotent, so a re-driven event that
/// had already been handled changes nothing.
/// </summary>
public sealed class PoisonQueueTests
{
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AdminRoutes_PoisonedEvents_AreListedWithoutBodiesAndRetryMovesThemBackToBeConsumed()
    {
        // A timer that never fires in the test, so only the admin route moves the messages.
        await using var server = await D3ChatServer.StartAsync(new Dictionary<string, string> { ["PoisonRedriveSchedule"] = "0 0 0 1 1 *" });
        var admin = await server.CreateSuperadminClientAsync();
        var user = await TestUser.NewAsync(server);
        var body = await HandledEventReferenceAsync(server, user);
        foreach (var queue in new[] { server.FanoutQueueName, server.Settings["FederationQueueName"] })
        {
            await PoisonAsync(queue, body);
        }

        using var forbidden = await user.Client.SendAsync(HttpMethod.Get, "/api/v1/admin/queues/poison");
        var listed = await ListAsync(admin);
        using var retry = await admin.SendAsync(HttpMethod.Post, "/api/v1/admin/queues/poison/retry");
        var retried = await retry.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(2, listed.GetArrayLength());
        Assert.All(listed.EnumerateArray(), q =>
        {
            Assert.Equal(q.GetProperty("queue").GetString() + "-poison", q.GetProperty("poison_queue").GetString());
            Assert.Equal(1, q.GetProperty("approximate_count").GetInt32());
            var message = Assert.Single(q.GetProperty("messages").EnumerateArray().ToList());
            Assert.False(string.IsNullOrEmpty(message.GetProperty("id").GetString()));
            Assert.False(message.TryGetProperty("body", out _));
            Assert.Equal(JsonValueKind.Null, message.GetProperty("reason").ValueKind);
        });
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        Assert.Equal(2, retried.GetProperty("requeued").GetInt32());
        await ExpectDrainedAsync(server, admin, "the re-driven events to be consumed, not poisoned again");
    }

    [Fact]
    public async Task Timer_PoisonedEventWhilePostgresAnswers_IsMovedBackAndConsumed()
    {
        await using var server = await D3ChatServer.StartAsync(new Dictionary<string, string> { ["PoisonRedriveSchedule"] = "*/1 * * * * *" });
        var admin = await server.CreateSuperadminClientAsync();
        var user = await TestUser.NewAsync(server);
        var body = await HandledEventReferenceAsync(server, user);

        await PoisonAsync(server.Settings["FederationQueueName"], body);

        await ExpectDrainedAsync(server, admin, "the timer to re-drive the poison queue");
    }

    [Fact]
    public async Task AdminRetry_PoisonedMessageHoldingSeveralEvents_IsMovedBackAsItIsAndConsumed()
    {
        await using var server = await D3ChatServer.StartAsync(new Dictionary<string, string> { ["PoisonRedriveSchedule"] = "0 0 0 1 1 *" });
        var admin = await server.CreateSuperadminClientAsync();
        var user = await TestUser.NewAsync(server);
        // Issue 14: a queue message may hold an array of events; parked, it goes back whole.
        var body = $"[{await HandledEventReferenceAsync(server, user)},{await HandledEventReferenceAsync(server, user)}]";
        await PoisonAsync(server.FanoutQueueName, body);

        using var retry = await admin.SendAsync(HttpMethod.Post, "/api/v1/admin/queues/poison/retry");
        var retried = await retry.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        Assert.Equal(1, retried.GetProperty("requeued").GetInt32());
        await ExpectDrainedAsync(server, admin, "the re-driven array to be consumed, not poisoned again");
    }

    /// <summary>A by-reference body of a message event that fanout and relay already handled.</summary>
    private static async Task<string> HandledEventReferenceAsync(D3ChatServer server, TestUser user)
    {
        var channel = await user.Client.CreateChannelAsync("poison-redrive");
        var sent = await user.SendOpaqueAsync(channel.Id);
        await using var dataSource = server.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        var payload = await Eventually.ReturnsAsync(() => connection.QuerySingleOrDefaultAsync<string>(
            "SELECT payload::text FROM outbox WHERE sent_at IS NOT NULL AND payload->'data'->'message'->>'id' = @Id", new { Id = sent.Id.ToString() }),
            Drain, "the message event to be published");
        return ChannelEvent.TryParse(payload)!.ToReference().ToJson();
    }

    private static async Task PoisonAsync(string queueName, string body)
    {
        var poison = new QueueClient(TestEnvironment.Storage, queueName + PoisonQueues.PoisonSuffix,
            new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await poison.CreateIfNotExistsAsync();
        await poison.SendMessageAsync(body);
    }

    private static async Task<JsonElement> ListAsync(D3Chat.Client.D3ChatClient admin)
    {
        using var response = await admin.SendAsync(HttpMethod.Get, "/api/v1/admin/queues/poison");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    // Both the poison queues and the queues themselves empty: moved back, consumed, and not poisoned again.
    private static Task ExpectDrainedAsync(D3ChatServer server, D3Chat.Client.D3ChatClient admin, string what) =>
        Eventually.TrueAsync(async () =>
        {
            var poisonEmpty = (await ListAsync(admin)).EnumerateArray().All(q => q.GetProperty("approximate_count").GetInt32() == 0);
            var queuesEmpty = true;
            foreach (var name in new[] { server.FanoutQueueName, server.Settings["FederationQueueName"] })
            {
                var queue = new QueueClient(TestEnvironment.Storage, name);
                queuesEmpty &= (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0;
            }
            return poisonEmpty && queuesEmpty;
        }, Drain, what);
}
