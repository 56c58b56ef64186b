using System.Text.Json;
using Azure.Storage.Queues;
using Dapper;
using D3Chat.Core.Queue;
using D3Chat.Core.Redis;
using D3Chat.Integration.Tests.Infrastructure;
using StackExchange.Redis;

namespace D3Chat.Integration.Tests.Realtime;

/// <summary>End to end: HTTP action or queued channel event → fanout / API → emulator → a real SignalR client.</summary>
[Collection(ServerCollections.Realtime)]
public sealed class RealtimeDeliveryTests(ServerFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly D3ChatServer _server = fixture.Server;

    [Fact]
    public async Task Typing_ByMember_ReachesOtherMembersConnectedClient()
    {
        var (a, aId) = await UserAsync();
        var (b, bId) = await UserAsync();
        var channel = await RealtimeTestData.ChannelWithMembersAsync(_server, aId, bId);
        await using var bListener = await RealtimeListener.ConnectAsync(b);

        await a.SendTypingAsync(channel, "start");
        await a.SendTypingAsync(channel, "stop");

        var start = await bListener.WaitForAsync(RealtimeListener.OfType("typing.start"), "typing.start at B");
        Assert.Equal(aId.ToString(), start.GetProperty("user_id").GetString());
        Assert.Equal(channel.ToString(), start.GetProperty("channel_id").GetString());
        Assert.Equal(3, start.EnumerateObject().Count());
        await bListener.WaitForAsync(RealtimeListener.OfType("typing.stop"), "typing.stop at B");
    }

    [Fact]
    public async Task ChannelEvent_MembershipJoin_DeliversToTheJoinedUser_AndAfterLeavingNothingMore()
    {
        var (b, bId) = await UserAsync();
        await using var bListener = await RealtimeListener.ConnectAsync(b);
        // Fanout follows PostgreSQL's membership, so the membership exists before its join event, as the API does it.
        var channel = await RealtimeTestData.ChannelWithMembersAsync(_server, bId);

        await EnqueueAsync(Event(channel, """{"type":"test.joined"}""") with { Membership = new MembershipChange { ChannelId = channel, Joined = [bId] } });
        await bListener.WaitForAsync(RealtimeListener.OfType("test.joined"), "the event of the joined channel");

        await _server.ExecuteSqlAsync("DELETE FROM channel_members WHERE channel_id = @ChannelId AND user_id = @UserId", new { ChannelId = channel, UserId = bId });
        await EnqueueAndWaitAsync(Event(channel, "null") with { Membership = new MembershipChange { ChannelId = channel, Left = [bId] } });
        await AssertChannelEventNotDeliveredAsync(bListener, bId, channel, "test.after_leave");
    }

    [Fact]
    public async Task ChannelEvent_JoinOfAUserWhoLeftSince_DoesNotPutThemBackInTheGroup()
    {
        var (b, bId) = await UserAsync();
        await using var bListener = await RealtimeListener.ConnectAsync(b);
        var channel = await RealtimeTestData.ChannelWithMembersAsync(_server, bId);
        await _server.ExecuteSqlAsync("DELETE FROM channel_members WHERE channel_id = @ChannelId AND user_id = @UserId", new { ChannelId = channel, UserId = bId });

        // A join handled after the leave that followed it (a retry, or concurrent processing).
        await EnqueueAndWaitAsync(Event(channel, "null") with { Membership = new MembershipChange { ChannelId = channel, Joined = [bId] } });
        await AssertChannelEventNotDeliveredAsync(bListener, bId, channel, "test.after_stale_join");
    }

    /// <summary>
    /// Sends a channel event of <paramref name="type"/>, then a marker to the user alone: once the marker
    /// arrives, fanout has handled the channel event, and it must not have reached the user.
    /// </summary>
    private async Task AssertChannelEventNotDeliveredAsync(RealtimeListener listener, Guid userId, Guid channel, string type)
    {
        await EnqueueAndWaitAsync(Event(channel, $$"""{"type":"{{type}}"}"""));
        await EnqueueAsync(Event(null, """{"type":"test.marker"}""") with { UserIds = [userId] });

        await listener.WaitForAsync(RealtimeListener.OfType("test.marker"), "the per-user marker event");
        Assert.DoesNotContain(listener.Events, e => RealtimeListener.OfType(type)(e));
    }

    [Fact]
    public async Task JoinLeaveCycles_WithConcurrentQueueProcessing_LeaverReceivesNothingAfterwards()
    {
        var (a, _) = await UserAsync();
        var (b, bId) = await UserAsync();
        var channel = (await a.CreateChannelAsync("cycles-" + Guid.NewGuid().ToString("N")[..8], isPublic: true)).Id;
        await using var bListener = await RealtimeListener.ConnectAsync(b);

        for (var i = 0; i < 50; i++)
        {
            await b.JoinChannelAsync(channel);
            await b.LeaveChannelAsync(channel);
        }
        // Every membership event of the cycles has been through fanout, in whatever order it ran them.
        await WaitForChannelEventsAsync(channel);

        var after = await a.SendOpaqueAsync(channel);
        await WaitForChannelEventsAsync(channel);
        await EnqueueAsync(Event(null, """{"type":"test.marker"}""") with { UserIds = [bId] });
        await bListener.WaitForAsync(RealtimeListener.OfType("test.marker"), "the per-user marker event");

        Assert.DoesNotContain(bListener.Events, e => RealtimeListener.OfType("message.new")(e)
            && e.GetProperty("message").GetProperty("id").GetString() == after.Id.ToString());
    }

    [Fact]
    public async Task Negotiate_ExistingMembership_IsSyncedSoChannelEventsArriveWithoutAJoinEvent()
    {
        var (b, bId) = await UserAsync();
        var channel = await RealtimeTestData.ChannelWithMembersAsync(_server, bId);
        await using var bListener = await RealtimeListener.ConnectAsync(b);

        await EnqueueAsync(Event(channel, """{"type":"test.synced"}"""));

        await bListener.WaitForAsync(RealtimeListener.OfType("test.synced"), "the channel event after negotiate sync");
    }

    [Fact]
    public async Task ChannelEvent_ForAChannelTheUserIsNotIn_IsNotDelivered()
    {
        var (b, bId) = await UserAsync();
        await using var bListener = await RealtimeListener.ConnectAsync(b);

        await EnqueueAndWaitAsync(Event(Guid.NewGuid(), """{"type":"test.foreign"}"""));
        await EnqueueAsync(Event(null, """{"type":"test.marker"}""") with { UserIds = [bId] });

        await bListener.WaitForAsync(RealtimeListener.OfType("test.marker"), "the per-user marker event");
        Assert.DoesNotContain(bListener.Events, e => RealtimeListener.OfType("test.foreign")(e));
    }

    private async Task<(D3Chat.Client.D3ChatClient Client, Guid Id)> UserAsync()
    {
        var client = _server.CreateClient();
        var tokens = await client.RegisterAsync(Names.Username(), Names.Password);
        return (client, tokens.UserId);
    }

    private static ChannelEvent Event(Guid? channelId, string data) => new()
    {
        Id = Guid.NewGuid(),
        Type = "test.event",
        ChannelId = channelId,
        OccurredAt = DateTimeOffset.UtcNow,
        Data = JsonDocument.Parse(data).RootElement.Clone(),
    };

    /// <summary>Waits until fanout has delivered every event the API wrote for the channel (outbox ids are event ids).</summary>
    private async Task WaitForChannelEventsAsync(Guid channelId)
    {
        await using var redis = await _server.ConnectRedisAsync();
        await Eventually.TrueAsync(async () =>
        {
            await using var dataSource = _server.CreateDataSource();
            await using var connection = await dataSource.OpenConnectionAsync();
            var ids = await connection.QueryAsync<Guid>("SELECT id FROM outbox WHERE payload ->> 'channel_id' = @ChannelId", new { ChannelId = channelId.ToString() });
            foreach (var id in ids)
            {
                if (!await _server.RedisKeys(redis).KeyExistsAsync(RedisKeys.FanoutDone(id)))
                {
                    return false;
                }
            }
            return true;
        }, Timeout, "fanout to deliver the channel's events");
    }

    private async Task EnqueueAsync(ChannelEvent channelEvent)
    {
        var queue = new QueueClient(TestEnvironment.Storage, _server.FanoutQueueName, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await queue.CreateIfNotExistsAsync();
        await queue.SendMessageAsync(channelEvent.ToJson());
    }

    /// <summary>Enqueues and waits until fanout has delivered it (fanout marks each delivered event in Redis).</summary>
    private async Task EnqueueAndWaitAsync(ChannelEvent channelEvent)
    {
        await EnqueueAsync(channelEvent);
        await using var redis = await _server.ConnectRedisAsync();
        await Eventually.TrueAsync(() => _server.RedisKeys(redis).KeyExistsAsync(RedisKeys.FanoutDone(channelEvent.Id)), Timeout, "fanout to deliver the event");
    }
}
