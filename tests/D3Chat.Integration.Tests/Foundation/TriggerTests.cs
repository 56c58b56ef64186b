using System.Text.Json;
using D3Chat.Core.Queue;
using D3Chat.Core.Redis;
using D3Chat.Integration.Tests.Infrastructure;
using Dapper;
using StackExchange.Redis;

namespace D3Chat.Integration.Tests.Foundation;

[Collection(ServerCollections.Foundation)]
public sealed class TriggerTests(ServerFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly D3ChatServer _server = fixture.Server;

    [Fact]
    public async Task QueueTrigger_ChannelEventOnFanoutQueue_IsConsumedByTheFanoutFunction()
    {
        var channelEvent = NewEvent();
        var queue = await TestQueues.OpenAsync(_server.FanoutQueueName);

        await queue.SendMessageAsync(channelEvent.ToJson());

        await using var redis = await _server.ConnectRedisAsync();
        await Eventually.TrueAsync(() => _server.RedisKeys(redis).KeyExistsAsync(RedisKeys.FanoutDone(channelEvent.Id)), Timeout, "fanout to record the event as delivered");
        await Eventually.TrueAsync(async () => (await queue.PeekMessagesAsync(1)).Value.Length == 0, Timeout, "the consumed message to be deleted");
    }

    [Fact]
    public async Task QueueTrigger_MessageThatAlwaysFails_MovesToThePoisonQueueAfterFiveDequeues()
    {
        var marker = $"not-an-event-{Guid.NewGuid()}";
        var queue = await TestQueues.OpenAsync(_server.FanoutQueueName);
        var poison = await TestQueues.OpenAsync(_server.FanoutQueueName + "-poison");

        await queue.SendMessageAsync(marker);

        var poisoned = await Eventually.ReturnsAsync(async () =>
        {
            var messages = (await poison.PeekMessagesAsync(32)).Value;
            return messages.FirstOrDefault(m => m.Body.ToString() == marker);
        }, TimeSpan.FromSeconds(60), "the failing message to reach the poison queue");
        Assert.NotNull(poisoned);
    }

    [Fact]
    public async Task TimerTrigger_OutboxSweep_PublishesAnUnsentOutboxRowAndMarksItSent()
    {
        var channelEvent = NewEvent() with { OccurredAt = DateTimeOffset.UtcNow.AddMinutes(-1) };
        await using var dataSource = _server.CreateDataSource();
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync(
                "INSERT INTO outbox (id, event_type, payload, created_at) VALUES (@Id, @Type, CAST(@Payload AS jsonb), @OccurredAt)",
                new { channelEvent.Id, channelEvent.Type, Payload = channelEvent.ToJson(), channelEvent.OccurredAt });
        }

        await Eventually.TrueAsync(async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            return await connection.ExecuteScalarAsync<bool>("SELECT sent_at IS NOT NULL FROM outbox WHERE id = @Id", new { channelEvent.Id });
        }, Timeout, "the outbox sweep to mark the event sent");
        await using var redis = await _server.ConnectRedisAsync();
        await Eventually.TrueAsync(() => _server.RedisKeys(redis).KeyExistsAsync(RedisKeys.FanoutDone(channelEvent.Id)), Timeout, "the swept event to reach fanout");
    }

    private static ChannelEvent NewEvent() => new()
    {
        Id = Guid.NewGuid(),
        Type = "test.event",
        UserIds = [Guid.NewGuid()],
        OccurredAt = DateTimeOffset.UtcNow,
        Data = JsonDocument.Parse("""{"type":"test.event"}""").RootElement,
    };
}
