using System.Text.Json;
using Azure.Storage.Queues;
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
        var channel = Guid.NewGuid();
        await using var bListener = await RealtimeListener.ConnectAsync(b);

        await EnqueueAsync(Event(channel, """{"type":"test.joined"}""") with { Membership = new MembershipChange { ChannelId = channel, Joined = [bId] } });
        await bListener.WaitForAsync(RealtimeListener.OfType("test.joined"), "the event of the joined channel");

        await EnqueueAndWaitAsync(Event(channel, "null") with { Membership = new MembershipChange { ChannelId = channel, Left = [bId] } });
        await EnqueueAndWaitAsync(Event(channel, """{"type":"test.after_leave"}"""));
        await EnqueueAsync(Event(null, """{"type":"test.marker"}""") with { UserIds = [bId] });

        await bListener.WaitForAsync(RealtimeListener.OfType("test.marker"), "the per-user marker event");
        Assert.DoesNotContain(bListener.Events, e => RealtimeListener.OfType("test.after_leave")(e));
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
