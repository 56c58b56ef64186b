using System.Net;
using System.Text.Json;
using D3Chat.Client;
using D3Chat.Core.Federation;
using D3Chat.Integration.Tests.Infrastructure;

namespace D3Chat.Integration.Tests.Federation;

/// <summary>
/// Batched federation (spec federation.md §4.1) between two LocalHosts: a burst travels in
/// <c>POST /federation/transactions</c> requests, a peer that does not offer batches still gets one
/// event per inbox request, and a batch is verified as a whole before anything is counted or stored.
/// </summary>
public sealed class BatchTests
{
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Burst_ToBatchingPeer_ArrivesCompleteExactlyOnceInBatchedRequests()
    {
        var servers = await Task.WhenAll(D3ChatServer.StartPeerAsync(), D3ChatServer.StartPeerAsync());
        await using var a = servers[0];
        await using var b = servers[1];
        var (alice, bob, channelId) = await SharedChannelAsync(a, b);

        // 300 messages: three times the reference inbox's 100 requests a minute.
        var sent = new List<string>();
        for (var i = 0; i < 300; i++)
        {
            sent.Add((await alice.SendOpaqueAsync(channelId)).Content);
        }

        await Eventually.TrueAsync(async () => (await ContentsAsync(b, channelId)).Count >= sent.Count, Delivery, "the burst on B");
        await Eventually.TrueAsync(async () => await PendingDeliveriesAsync(a) == 0, Delivery, "A's queue for B to drain");
        // Complete and exactly once (no message dropped for want of its sender's join). Not in send
        // order: A's relay handles queue messages side by side, and one message's rows can be queued
        // and sent before an earlier message's handler has queued its own (docs/federation.md "Limitations").
        var received = await ContentsAsync(b, channelId);
        Assert.Equal(sent.Count, received.Count);
        Assert.Equal(sent.ToHashSet(), received.ToHashSet());
        var (requests, events) = await InboundCountersAsync(b, TwoServerTests.Domain(a));
        // The counters cover B's current 60 s window only (a slow machine spreads the burst over several):
        // in it the burst travelled as batched events, with few single-event inbox requests.
        Assert.True(events > 0, "no batched events counted in the last window");
        Assert.True(requests < 100, $"{requests} single-event inbox requests");
    }

    [Fact]
    public async Task Burst_FromEightSendersWithThePeerDownMidBurst_ArrivesCompleteExactlyOnceAfterBackoff()
    {
        var servers = await Task.WhenAll(D3ChatServer.StartPeerAsync(), D3ChatServer.StartPeerAsync());
        await using var a = servers[0];
        await using var b = servers[1];
        var (alice, _, channelId) = await SharedChannelAsync(a, b);

        // 400 messages from 8 senders at once; B stops after the first half and comes back after the rest.
        var first = await PostConcurrentlyAsync(alice, channelId, 200);
        await b.StopAsync();
        var second = await PostConcurrentlyAsync(alice, channelId, 200);
        await Eventually.TrueAsync(async () => await PendingDeliveriesAsync(a) > 0, Delivery, "A to hold deliveries for B while it is down");
        await b.RestartAsync();

        var sent = first.Concat(second).ToList();
        // B was killed mid-burst: events it had claimed but not stored stay pending for
        // RedisKeys.FederationEventPendingTtl (30 s) before A's retries store them.
        await Eventually.TrueAsync(async () => (await ContentsAsync(b, channelId)).Count >= sent.Count,
            Delivery + D3Chat.Core.Redis.RedisKeys.FederationEventPendingTtl, "the whole burst on B");
        await Eventually.TrueAsync(async () => await PendingDeliveriesAsync(a) == 0, Delivery, "A's queue for B to drain");
        // Complete and exactly once: nothing waits at A any more, so nothing else can arrive. B stores only
        // what came in requests whose signature it verified (every refusal is answered before storage).
        var received = await ContentsAsync(b, channelId);
        Assert.Equal(sent.Count, received.Count);
        Assert.Equal(sent.ToHashSet(), received.ToHashSet());
        Assert.Equal(0, await DeadLettersAsync(a));
        var (_, events) = await InboundCountersAsync(b, TwoServerTests.Domain(a));
        Assert.True(events > 0, "no batched events counted in the last window");
    }

    [Fact]
    public async Task Burst_ToPeerWithoutBatches_TravelsOneEventPerInboxRequest()
    {
        var servers = await Task.WhenAll(D3ChatServer.StartPeerAsync(),
            D3ChatServer.StartPeerAsync(new Dictionary<string, string> { ["Federation__MaxBatchEvents"] = "1" }));
        await using var a = servers[0];
        await using var b = servers[1];
        var (alice, _, channelId) = await SharedChannelAsync(a, b);

        var sent = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            sent.Add((await alice.SendOpaqueAsync(channelId)).Content);
        }

        await Eventually.TrueAsync(async () => (await ContentsAsync(b, channelId)).Count >= sent.Count, Delivery, "the messages on B");
        Assert.Equal(sent.ToHashSet(), (await ContentsAsync(b, channelId)).ToHashSet());
        var (requests, events) = await InboundCountersAsync(b, TwoServerTests.Domain(a));
        Assert.True(requests >= sent.Count + 1, $"{requests} inbox requests for {sent.Count} messages and the invite");
        Assert.Equal(0, events);
    }

    [Fact]
    public async Task Transactions_TamperedOrReplayedOrOversized_RefusedAndStoreNothing()
    {
        await using var server = await D3ChatServer.StartAsync();
        using var peer = await TestPeer.RegisterAsync(server);
        var bob = server.CreateClient();
        var bobName = Names.Username("bob");
        await bob.RegisterAsync(bobName, Names.Password);
        var invite = Batch(peer.Event(FederationEventTypes.ChannelInvite, Invite(bobName)));
        var otherInvite = Batch(peer.Event(FederationEventTypes.ChannelInvite, Invite(bobName)));
        var tooMany = Batch([.. Enumerable.Range(0, FederationBatches.MaxEvents + 1).Select(_ => peer.Event(FederationEventTypes.ChannelInvite, Invite(bobName)))]);

        using var tampered = await peer.SignedPostAsync(server, FederationHeaders.TransactionsPath, invite, sendBody: otherInvite);
        using var replayed = await peer.SignedPostAsync(server, FederationHeaders.TransactionsPath, invite, signedAt: DateTimeOffset.UtcNow.AddMinutes(-10));
        using var wrongPath = await SignedForInboxAsync(peer, server, invite);
        using var oversized = await peer.SignedPostAsync(server, FederationHeaders.TransactionsPath, tooMany);
        using var empty = await peer.SignedPostAsync(server, FederationHeaders.TransactionsPath, """{"events":[]}""");

        Assert.Equal(HttpStatusCode.Unauthorized, tampered.StatusCode);
        Assert.Equal("Invalid signature", await DetailAsync(tampered));
        Assert.Equal(HttpStatusCode.Unauthorized, replayed.StatusCode);
        Assert.Equal("Request outside replay window", await DetailAsync(replayed));
        Assert.Equal(HttpStatusCode.Unauthorized, wrongPath.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, oversized.StatusCode);
        Assert.Equal(Core.Http.Problem.FederationBatchInvalid.Detail, await DetailAsync(oversized));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Empty(await bob.ListChannelsAsync());
        var (_, events) = await InboundCountersAsync(server, peer.Domain);
        Assert.Equal(0, events);
    }

    [Fact]
    public async Task Transactions_MixedBatch_AnswersPerEventAndDedupsEachEvent()
    {
        await using var server = await D3ChatServer.StartAsync();
        using var peer = await TestPeer.RegisterAsync(server);
        var bob = server.CreateClient();
        var bobName = Names.Username("bob");
        await bob.RegisterAsync(bobName, Names.Password);
        var first = peer.Event(FederationEventTypes.ChannelInvite, Invite(bobName), eventId: "invite-1");
        var foreign = peer.Event(FederationEventTypes.ChannelInvite, Invite(bobName), eventId: "invite-2", origin: "someone-else.test");
        var second = peer.Event(FederationEventTypes.ChannelInvite, Invite(bobName), eventId: "invite-3");

        using var response = await peer.SignedPostAsync(server, FederationHeaders.TransactionsPath, Batch(first, foreign, second));
        using var again = await peer.SignedPostAsync(server, FederationHeaders.TransactionsPath, Batch(first));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("results");
        Assert.Equal(["invite-1:ok", "invite-2:rejected", "invite-3:ok"],
            results.EnumerateArray().Select(r => $"{r.GetProperty("event_id").GetString()}:{r.GetProperty("status").GetString()}"));
        Assert.Equal("origin_server does not match X-D3Chat-Origin", results[1].GetProperty("detail").GetString());
        Assert.Equal(2, (await bob.ListChannelsAsync()).Count);
        var replay = JsonDocument.Parse(await again.Content.ReadAsStringAsync()).RootElement.GetProperty("results");
        Assert.Equal("duplicate", replay[0].GetProperty("status").GetString());
    }

    [Fact]
    public async Task Transactions_MessagesAroundAnInvite_StoredOnceEachInOrderWithTheirEvents()
    {
        await using var server = await D3ChatServer.StartAsync();
        using var peer = await TestPeer.RegisterAsync(server);
        var bob = server.CreateClient();
        var bobName = Names.Username("bob");
        await bob.RegisterAsync(bobName, Names.Password);
        var channelId = Guid.NewGuid();
        var invite = new { channel_id = channelId, channel_name = "batched", inviter_username = "carol", invitee_username = bobName, encryption_type = "sender_keys" };
        object Message(string sender, string originId) => new
        {
            channel_id = channelId, sender_username = sender, sender_device_id = Guid.NewGuid(), content = OpaqueMessages.Frame(),
            content_type = "text", protocol_version = 3, origin_message_id = originId,
        };
        // Before the invite carol is no member (ignored); after it her messages are stored in one run with
        // the same origin message twice (stored once) and a non-member's message between them (ignored).
        var batch = Batch(
            peer.Event(FederationEventTypes.MessageRelay, Message("carol", "early"), eventId: "msg-early"),
            peer.Event(FederationEventTypes.ChannelInvite, invite, eventId: "invite-1"),
            peer.Event(FederationEventTypes.MessageRelay, Message("carol", "m1"), eventId: "msg-m1"),
            peer.Event(FederationEventTypes.MessageRelay, Message("carol", "m1"), eventId: "msg-m1-again"),
            peer.Event(FederationEventTypes.MessageRelay, Message("dave", "m2"), eventId: "msg-m2"),
            peer.Event(FederationEventTypes.MessageRelay, Message("carol", "m3"), eventId: "msg-m3"));

        using var response = await peer.SignedPostAsync(server, FederationHeaders.TransactionsPath, batch);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("results");
        Assert.All(results.EnumerateArray(), r => Assert.Equal("ok", r.GetProperty("status").GetString()));
        await using var dataSource = server.CreateDataSource();
        await using var command = dataSource.CreateCommand("SELECT origin_message_id FROM messages WHERE channel_id = $1 ORDER BY created_at, id");
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = channelId });
        var stored = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                stored.Add(reader.GetString(0));
            }
        }
        Assert.Equal(["m1", "m3"], stored);
        // Each stored message has its one message.new in the outbox, nothing for the skipped copy.
        await using var outbox = dataSource.CreateCommand("SELECT count(*) FROM outbox WHERE event_type = 'message.new' AND payload::text LIKE '%' || $1 || '%'");
        outbox.Parameters.Add(new Npgsql.NpgsqlParameter { Value = channelId.ToString() });
        Assert.Equal(2L, (long)(await outbox.ExecuteScalarAsync())!);
    }

    private static object Invite(string invitee) => new
    {
        channel_id = Guid.NewGuid(),
        channel_name = "batched",
        inviter_username = "carol",
        invitee_username = invitee,
        encryption_type = "sender_keys",
    };

    private static string Batch(params string[] events) => $$"""{"events":[{{string.Join(',', events)}}]}""";

    private static async Task<HttpResponseMessage> SignedForInboxAsync(TestPeer peer, D3ChatServer server, string body)
    {
        // Signed for the inbox path, sent to the batch path: the path is part of the signature.
        var timestamp = RequestSigning.FormatTimestamp(DateTimeOffset.UtcNow);
        var headers = RequestSigning.Sign(peer.Key, peer.Domain, "POST", FederationHeaders.InboxPath, timestamp, System.Text.Encoding.UTF8.GetBytes(body));
        using var http = new HttpClient { BaseAddress = server.Host.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, FederationHeaders.TransactionsPath) { Content = new StringContent(body) };
        request.Headers.Add(FederationHeaders.Origin, headers.Origin);
        request.Headers.Add(FederationHeaders.Timestamp, headers.Timestamp);
        request.Headers.Add(FederationHeaders.Signature, headers.Signature);
        var response = await http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    private static async Task<string?> DetailAsync(HttpResponseMessage response) => D3ChatClient.ReadDetail(await response.Content.ReadAsStringAsync());

    private static async Task<(D3ChatClient Alice, D3ChatClient Bob, Guid ChannelId)> SharedChannelAsync(D3ChatServer a, D3ChatServer b)
    {
        var alice = a.CreateClient();
        await alice.RegisterAsync(Names.Username("alice"), Names.Password);
        var bob = b.CreateClient();
        var bobName = Names.Username("bob");
        await bob.RegisterAsync(bobName, Names.Password);
        var bobOnA = (await alice.LookupUserAsync($"{bobName}@{TwoServerTests.Domain(b)}")).Id;
        var channel = await alice.CreateChannelAsync("burst-room", isPublic: false);
        await alice.AddMemberAsync(channel.Id, bobOnA);
        await Eventually.TrueAsync(async () => (await bob.ListChannelsAsync()).Any(c => c.Id == channel.Id), Delivery, "B to materialise the channel");
        return (alice, bob, channel.Id);
    }

    /// <summary>The receiver's per-origin counters of this minute: inbox requests, batched events.</summary>
    private static async Task<(long Requests, long Events)> InboundCountersAsync(D3ChatServer server, string origin)
    {
        using var redis = await server.ConnectRedisAsync();
        var keys = server.RedisKeys(redis);
        var requests = await keys.StringGetAsync(Core.Redis.RedisKeys.FederationRate(origin));
        var events = await keys.StringGetAsync(Core.Redis.RedisKeys.FederationEventRate(origin));
        return (requests.HasValue ? (long)requests : 0, events.HasValue ? (long)events : 0);
    }

    private static async Task<List<string>> ContentsAsync(D3ChatServer server, Guid channelId)
    {
        await using var dataSource = server.CreateDataSource();
        await using var command = dataSource.CreateCommand("SELECT content FROM messages WHERE channel_id = $1 ORDER BY created_at, id");
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = channelId });
        var contents = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            contents.Add(reader.GetString(0));
        }
        return contents;
    }

    /// <summary>Posts <paramref name="count"/> messages from 8 concurrent tasks (each accepted); returns their contents.</summary>
    private static async Task<List<string>> PostConcurrentlyAsync(D3ChatClient sender, Guid channelId, int count)
    {
        var device = (await sender.ListDevicesAsync()).OrderBy(d => d.CreatedAt).First().Id;
        var contents = Enumerable.Range(0, count).Select(_ => OpaqueMessages.Frame()).ToList();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < contents.Count)
            {
                await sender.SendOpaqueAsync(channelId, device, content: contents[i]);
            }
        })));
        return contents;
    }

    private static async Task<long> DeadLettersAsync(D3ChatServer server)
    {
        await using var dataSource = server.CreateDataSource();
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM federation_deliveries WHERE dead_at IS NOT NULL");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<long> PendingDeliveriesAsync(D3ChatServer server)
    {
        await using var dataSource = server.CreateDataSource();
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM federation_deliveries WHERE dead_at IS NULL");
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
