using System.Net;
using System.Security.Cryptography;
using D3Chat.Client;
using D3Chat.Integration.Tests.Infrastructure;

namespace D3Chat.Integration.Tests.Federation;

/// <summary>
/// Two complete servers on loopback (own databases, Redis databases, queues, keys and domains
/// <c>127.0.0.1:{port}</c>), discovering each other over http (Federation__AllowHttpHosts).
/// </summary>
public sealed class TwoServerTests : TwoPeerTest
{
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Federation_TwoServers_MessagesEditsDeletesFlowBothWaysAndSurvivePeerDowntime()
    {
        var alice = A.CreateClient();
        await alice.RegisterAsync(Names.Username("alice"), Names.Password);
        var bob = B.CreateClient();
        var bobName = Names.Username("bob");
        await bob.RegisterAsync(bobName, Names.Password);

        // A's user finds B's user through the signed lookup and adds them: B receives channel.invite.
        var bobOnA = (await alice.LookupUserAsync($"{bobName}@{Domain(B)}")).Id;
        var channel = await alice.CreateChannelAsync("federated-room", isPublic: false);
        await alice.AddMemberAsync(channel.Id, bobOnA);
        await Eventually.TrueAsync(async () => (await bob.ListChannelsAsync()).Any(c => c.Id == channel.Id), Delivery, "B to materialise the channel");

        // A → B, B → A, each with its sending device kept (protocol v3 binds it into the AEAD).
        var hello = await alice.SendOpaqueAsync(channel.Id);
        await ExpectContentsAsync(bob, channel.Id, [hello.Content], "A's message on B");
        var reply = await bob.SendOpaqueAsync(channel.Id);
        await ExpectContentsAsync(alice, channel.Id, [hello.Content, reply.Content], "B's message on A");
        Assert.NotNull(hello.SenderDeviceId);
        Assert.NotNull(reply.SenderDeviceId);
        Assert.Equal(hello.SenderDeviceId, (await bob.GetMessagesAsync(channel.Id)).Messages.Single(m => m.Content == hello.Content).SenderDeviceId);
        Assert.Equal(reply.SenderDeviceId, (await alice.GetMessagesAsync(channel.Id)).Messages.Single(m => m.Content == reply.Content).SenderDeviceId);

        // Edits and deletes both ways; edits stay v3 frames.
        var helloEdited = (await alice.EditOpaqueAsync(hello.Id)).Content;
        await ExpectContentsAsync(bob, channel.Id, [helloEdited, reply.Content], "A's edit on B");
        var replyEdited = (await bob.EditOpaqueAsync(reply.Id)).Content;
        await ExpectContentsAsync(alice, channel.Id, [helloEdited, replyEdited], "B's edit on A");
        await bob.DeleteMessageAsync(reply.Id);
        await ExpectContentsAsync(alice, channel.Id, [helloEdited], "B's delete on A");
        await alice.DeleteMessageAsync(hello.Id);
        await ExpectContentsAsync(bob, channel.Id, [], "A's delete on B");

        // A member A adds later joins on B too, and their messages are accepted there.
        var carol = A.CreateClient();
        var carolId = (await carol.RegisterAsync(Names.Username("carol"), Names.Password)).UserId;
        await alice.AddMemberAsync(channel.Id, carolId);
        var fromCarol = await carol.SendOpaqueAsync(channel.Id);
        await ExpectContentsAsync(bob, channel.Id, [fromCarol.Content], "a later member's message on B");
        await carol.DeleteMessageAsync(fromCarol.Id);
        await ExpectContentsAsync(bob, channel.Id, [], "the later member's delete on B");

        // B goes down; A's users keep posting and every post is accepted.
        await B.StopAsync();
        var aliceDevice = hello.SenderDeviceId;
        var whileDown = Enumerable.Range(1, 5).Select(_ => OpaqueMessages.Frame()).ToList();
        foreach (var content in whileDown)
        {
            using var response = await alice.SendAsync(HttpMethod.Post, $"/api/v1/channels/{channel.Id}/messages",
                new { content, protocol_version = 3, sender_device_id = aliceDevice });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        // B comes back on the same database and port, and receives each of them exactly once.
        await B.RestartAsync();
        await ExpectContentsAsync(bob, channel.Id, whileDown, "the backlog on B after its restart");
        // Exactly once: when A holds no delivery for B any more, nothing else can arrive there.
        await Eventually.TrueAsync(async () => await PendingDeliveriesAsync(A) == 0, Delivery, "A's queue for B to drain");
        Assert.Equal(whileDown, await ContentsAsync(bob, channel.Id));

        // Leaving is relayed: A stops counting B's user as a member.
        await bob.LeaveChannelAsync(channel.Id);
        await Eventually.TrueAsync(async () => (await alice.ListMembersAsync(channel.Id)).All(m => m.UserId != bobOnA), Delivery, "B's leave on A");
    }

    [Fact]
    public async Task Federation_MessageRelayedBeforeItsSendersMembershipEvent_ArrivesExactlyOnceWithTheJoin()
    {
        var alice = A.CreateClient();
        await alice.RegisterAsync(Names.Username("alice"), Names.Password);
        var bob = B.CreateClient();
        var bobName = Names.Username("bob");
        await bob.RegisterAsync(bobName, Names.Password);
        var channel = await alice.CreateChannelAsync("ordering-room", isPublic: false);
        await alice.AddMemberAsync(channel.Id, (await alice.LookupUserAsync($"{bobName}@{Domain(B)}")).Id);
        await Eventually.TrueAsync(async () => (await bob.ListChannelsAsync()).Any(c => c.Id == channel.Id), Delivery, "B to materialise the channel");

        // Carol becomes a member on A without any channel event: the relay handles her message with the
        // membership event not relayed before it (here: never), the worst order concurrent processing can produce.
        var carolName = Names.Username("carol");
        var carol = A.CreateClient();
        var carolId = (await carol.RegisterAsync(carolName, Names.Password)).UserId;
        await A.ExecuteSqlAsync("INSERT INTO channel_members (channel_id, user_id) VALUES (@ChannelId, @UserId)", new { ChannelId = channel.Id, UserId = carolId });
        var first = await carol.SendOpaqueAsync(channel.Id);
        var second = await carol.SendOpaqueAsync(channel.Id);

        // The two messages are relayed side by side, so B may store them in either order.
        string[] expected = [.. new[] { first.Content, second.Content }.Order()];
        await Eventually.TrueAsync(async () => (await ContentsAsync(bob, channel.Id)).Order().SequenceEqual(expected), Delivery,
            "the messages of a member whose join was never relayed on B");
        await Eventually.TrueAsync(async () => await PendingDeliveriesAsync(A) == 0, Delivery, "A's queue for B to drain");
        Assert.Equal(expected, (await ContentsAsync(bob, channel.Id)).Order());
        Assert.Contains(await bob.ListMembersAsync(channel.Id), m => m.Username == carolName && m.ServerDomain == Domain(A));
    }

    private static async Task<long> PendingDeliveriesAsync(D3ChatServer server)
    {
        await using var dataSource = server.CreateDataSource();
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM federation_deliveries WHERE dead_at IS NULL");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>A server that federates with other loopback servers over http; shared with the other two-server tests.</summary>
    internal static Task<D3ChatServer> StartPeerAsync() => D3ChatServer.StartPeerAsync();

    internal static string Domain(D3ChatServer server) => server.Settings["Server__Domain"];

    private static async Task<List<string>> ContentsAsync(D3ChatClient client, Guid channelId) =>
        (await client.GetMessagesAsync(channelId, limit: 100)).Messages.Select(m => m.Content).ToList();

    private static Task ExpectContentsAsync(D3ChatClient client, Guid channelId, IReadOnlyList<string> expected, string what) =>
        Eventually.TrueAsync(async () => (await ContentsAsync(client, channelId)).SequenceEqual(expected), Delivery, what);
}
