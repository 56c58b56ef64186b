using System.Text.Json;
using D3Chat.Core.Queue;
using D3Chat.Integration.Tests.Infrastructure;
using D3Chat.Integration.Tests.Realtime;

namespace D3Chat.Integration.Tests.Messaging;

/// <summary>
/// Issue 14: the events of a publishing round share Storage queue messages (an array of events). Through
/// the LocalHost on Azurite, a burst is still delivered message by message, a message's events for one
/// channel reach its members in one SignalR send, in order, and an event that keeps failing in such a
/// message ends in the poison queue alone while its neighbours are delivered.
/// </summary>
public sealed class CoalescedQueueTests
{
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Burst_OfMessagesPostedSideBySide_DeliversEveryMessageNewToTheConnectedMember()
    {
        await using var server = await D3ChatServer.StartAsync();
        var sender = await TestUser.NewAsync(server);
        var receiver = await TestUser.NewAsync(server);
        await using var listener = await RealtimeListener.ConnectAsync(receiver.Client);
        var channel = await sender.Client.CreateChannelAsync("burst-" + Guid.NewGuid().ToString("N")[..8]);
        await sender.Client.AddMemberAsync(channel.Id, receiver.Id);
        // The add's channel.new proves the receiver is in the channel's group before the burst.
        await listener.WaitForAsync(e => RealtimeListener.OfType("channel.new")(e), "channel.new at the receiver");

        var posted = new List<string>();
        foreach (var wave in Enumerable.Range(0, 10))
        {
            var sent = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => sender.SendOpaqueAsync(channel.Id)));
            posted.AddRange(sent.Select(m => m.Id.ToString()));
        }

        await Eventually.TrueAsync(() => Task.FromResult(DeliveredIds(listener).IsSupersetOf(posted)), Drain, "every message.new of the burst at the receiver");
        Assert.Equal(posted.Order(), DeliveredIds(listener).Order());
        Assert.Equal(0, await CountAsync(server.FanoutQueueName + PoisonQueues.PoisonSuffix));
    }

    [Fact]
    public async Task ArrayWithAnEventThatAlwaysFails_DeliversItsNeighboursOnceAndPoisonsThatEventAlone()
    {
        await using var server = await D3ChatServer.StartAsync();
        var user = await TestUser.NewAsync(server);
        await using var listener = await RealtimeListener.ConnectAsync(user.Client);
        var neighbours = Enumerable.Range(0, 3).Select(n => ToUser(user.Id, n)).ToList();
        // A reference to an outbox row that does not exist: fanout can never load it.
        var broken = ToUser(user.Id, 99).ToReference();
        var body = $"[{neighbours[0].ToJson()},{broken.ToJson()},{neighbours[1].ToJson()},{neighbours[2].ToJson()}]";

        await (await TestQueues.OpenAsync(server.FanoutQueueName)).SendMessageAsync(body);

        var poison = await TestQueues.OpenAsync(server.FanoutQueueName + PoisonQueues.PoisonSuffix);
        var parked = await Eventually.ReturnsAsync(async () => (await poison.PeekMessagesAsync(32)).Value is { Length: > 0 } found ? found : null,
            Drain, "the failing event to reach the poison queue");
        var delivered = listener.Events.Where(RealtimeListener.OfType("test.neighbour")).Select(e => e.GetProperty("n").GetInt32()).ToList();
        Assert.Equal([0, 1, 2], delivered.Order());
        var message = Assert.Single(parked);
        Assert.Equal(broken.ToJson(), message.Body.ToString());
        Assert.Equal(0, await CountAsync(server.FanoutQueueName));
    }

    [Fact]
    public async Task ArrayOfEventsForOneChannel_ReachesAMemberAsOneSignalRSendInTheirOrder()
    {
        await using var server = await D3ChatServer.StartAsync();
        var user = await TestUser.NewAsync(server);
        var channel = await user.Client.CreateChannelAsync("together-" + Guid.NewGuid().ToString("N")[..8]);
        // Connected after joining: negotiate puts the connection in the channel's group.
        await using var listener = await RealtimeListener.ConnectAsync(user.Client);
        var events = Enumerable.Range(0, 3).Select(n => ToChannel(channel.Id, n).ToJson());

        await (await TestQueues.OpenAsync(server.FanoutQueueName)).SendMessageAsync($"[{string.Join(",", events)}]");

        await Eventually.TrueAsync(() => Task.FromResult(listener.Events.Count(RealtimeListener.OfType("test.together")) == 3), Drain, "the three events at the member");
        Assert.Equal([0, 1, 2], listener.Events.Where(RealtimeListener.OfType("test.together")).Select(e => e.GetProperty("n").GetInt32()));
        Assert.Equal([3], listener.EventsSends);
    }

    private static ChannelEvent ToChannel(Guid channelId, int n) => new()
    {
        Id = Guid.NewGuid(),
        Type = "test.together",
        ChannelId = channelId,
        OccurredAt = DateTimeOffset.UtcNow,
        Data = JsonDocument.Parse($$"""{"type":"test.together","n":{{n}}}""").RootElement,
    };

    private static HashSet<string> DeliveredIds(RealtimeListener listener) =>
        [.. listener.Events.Where(RealtimeListener.OfType("message.new")).Select(e => e.GetProperty("message").GetProperty("id").GetString()!)];

    private static ChannelEvent ToUser(Guid userId, int n) => new()
    {
        Id = Guid.NewGuid(),
        Type = "test.neighbour",
        UserIds = [userId],
        OccurredAt = DateTimeOffset.UtcNow,
        Data = JsonDocument.Parse($$"""{"type":"test.neighbour","n":{{n}}}""").RootElement,
    };

    private static async Task<int> CountAsync(string name) => (await (await TestQueues.OpenAsync(name)).GetPropertiesAsync()).Value.ApproximateMessagesCount;
}
