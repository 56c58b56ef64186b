using D3Chat.Core.Redis;
using D3Chat.Integration.Tests.Infrastructure;
using Dapper;
using StackExchange.Redis;

namespace D3Chat.Integration.Tests.Messaging;

/// <summary>Architecture decision 4: nothing acknowledged is lost when the work queue is down.</summary>
public sealed class OutboxDurabilityTests
{
    [Fact]
    public async Task SendMessage_WhileQueueIsDown_Is201AndEveryEventIsDeliveredAfterTheQueueReturns()
    {
        // Storage (the work queue) on a port where nothing listens: every publish fails.
        var deadStorage = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
            + "BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;QueueEndpoint=http://127.0.0.1:1/devstoreaccount1;TableEndpoint=http://127.0.0.1:1/devstoreaccount1;";
        await using var down = await D3ChatServer.StartAsync(new Dictionary<string, string> { ["AzureWebJobsStorage"] = deadStorage });
        var owner = await TestUser.NewAsync(down);
        var channel = await owner.Client.CreateChannelAsync("durable");

        var sent = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => owner.SendOpaqueAsync(channel.Id)));

        var ids = sent.Select(m => m.Id.ToString()).ToArray();
        await using var dataSource = down.CreateDataSource();
        var unsent = await EventsAsync(dataSource, ids);
        Assert.Equal(20, unsent.Count);
        Assert.All(unsent, e => Assert.Null(e.SentAt));

        // The queue is back: the server is replaced by one with working storage on the same database,
        // which sweeps the outbox. The broken one stops first, as in an operator's fix: left running, its
        // sweep keeps failing and doubling the rows' retry delay while the new one starts, which on a
        // loaded machine pushed the rows past this test's wait.
        await down.StopAsync();
        await using var up = await D3ChatServer.StartAsync(existingDatabase: down.DatabaseName);
        await Eventually.TrueAsync(async () => (await EventsAsync(dataSource, ids)).All(e => e.SentAt is not null),
            TimeSpan.FromSeconds(60), "the sweep to publish every event");
        await using var redis = await up.ConnectRedisAsync();
        foreach (var e in unsent)
        {
            await Eventually.TrueAsync(() => up.RedisKeys(redis).KeyExistsAsync(RedisKeys.FanoutDone(e.Id)), TimeSpan.FromSeconds(30), $"fanout to deliver {e.Id}");
        }
    }

    private static async Task<List<OutboxRow>> EventsAsync(Npgsql.NpgsqlDataSource dataSource, string[] messageIds)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return (await connection.QueryAsync<OutboxRow>(
            "SELECT id, sent_at AS sentat FROM outbox WHERE payload->>'type' = 'message.new' AND payload->'data'->'message'->>'id' = ANY(@Ids)",
            new { Ids = messageIds })).ToList();
    }

    private sealed record OutboxRow(Guid Id, DateTime? SentAt);
}
