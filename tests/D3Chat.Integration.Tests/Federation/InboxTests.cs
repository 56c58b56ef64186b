using System.Net;
using System.Text.Json;
using D3Chat.Client;
using D3Chat.Core.Crypto;
using D3Chat.Core.Federation;
using D3Chat.Integration.Tests.Infrastructure;
using Dapper;
using Npgsql;
using StackExchange.Redis;

namespace D3Chat.Integration.Tests.Federation;

/// <summary>The signed inbox (spec federation.md §4 with departure 4): every rejection stores nothing.</summary>
[Collection(ServerCollections.Federation)]
public sealed class InboxTests(ServerFixture fixture)
{
    private readonly D3ChatServer _server = fixture.Server;

    [Fact]
    public async Task Inbox_InviteThenRelay_CreatesChannelAndStoresMessageWithSenderDevice()
    {
        using var peer = await TestPeer.RegisterAsync(_server);
        var (channelId, inviter, _) = await InviteAsync(peer);
        var originId = Guid.NewGuid().ToString();
        var device = Guid.NewGuid();

        using var response = await peer.PostInboxAsync(_server, Relay(peer, channelId, inviter, originId, device));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
        Assert.Equal(1, await CountMessagesAsync(peer, originId));
        Assert.Equal(device, await ScalarAsync<Guid>("SELECT remote_sender_device_id FROM messages WHERE origin_message_id = @p", originId));
    }

    public static TheoryData<string, bool, string> UnacceptableRelays => new()
    {
        { "plaintext", true, "hello" },
        { "v3 without device", false, OpaqueMessages.Frame() },
        { "v3 bad frame", true, Convert.ToBase64String(new byte[120]) },
    };

    /// <summary>Peers obey the local rule: no plaintext in an encrypted channel, v3 only with device and frame. Acknowledged (200) so the peer does not retry, never stored.</summary>
    [Theory]
    [MemberData(nameof(UnacceptableRelays))]
    public async Task Inbox_RelayBreakingTheEncryptionRules_Is200AndStoresNothing(string what, bool withDevice, string content)
    {
        using var peer = await TestPeer.RegisterAsync(_server);
        var (channelId, inviter, _) = await InviteAsync(peer);
        var originId = Guid.NewGuid().ToString();
        var body = peer.Event("message.relay", new
        {
            channel_id = channelId, sender_username = inviter, sender_device_id = withDevice ? Guid.NewGuid() : (Guid?)null, content, content_type = "text",
            protocol_version = what == "plaintext" ? 1 : 3, origin_message_id = originId,
        }, $"msg-{originId}");

        using var response = await peer.PostInboxAsync(_server, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, await CountMessagesAsync(peer, originId));
    }

    [Fact]
    public async Task Inbox_EditOfV3MessageWithPlaintext_IsIgnored()
    {
        using var peer = await TestPeer.RegisterAsync(_server);
        var (channelId, inviter, _) = await InviteAsync(peer);
        var originId = Guid.NewGuid().ToString();
        using var relayed = await peer.PostInboxAsync(_server, Relay(peer, channelId, inviter, originId));
        var stored = await ScalarAsync<string>("SELECT content FROM messages WHERE origin_message_id = @p", originId);

        using var edit = await peer.PostInboxAsync(_server, peer.Event("message.edit", new { channel_id = channelId, sender_username = inviter, origin_message_id = originId, content = "plain" }));
        using var goodEdit = await peer.PostInboxAsync(_server, peer.Event("message.edit", new { channel_id = channelId, sender_username = inviter, origin_message_id = originId, content = OpaqueMessages.Frame() }));

        Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
        Assert.Equal(HttpStatusCode.OK, goodEdit.StatusCode);
        var after = await ScalarAsync<string>("SELECT content FROM messages WHERE origin_message_id = @p", originId);
        Assert.NotEqual(stored, after);
        Assert.NotEqual("plain", after);
    }

    [Theory]
    [InlineData(FederationHeaders.Origin)]
    [InlineData(FederationHeaders.Timestamp)]
    [InlineData(FederationHeaders.Signature)]
    public async Task Inbox_MissingHeader_Is401AndStoresNothing(string header)
    {
        using var peer = await TestPeer.RegisterAsync(_server);
        var (channelId, inviter, _) = await InviteAsync(peer);
        var originId = Guid.NewGuid().ToString();

        using var response = await peer.PostInboxAsync(_server, Relay(peer, channelId, inviter, originId), omitHeaders: header);

        await AssertRejectedAsync(response, HttpStatusCode.Unauthorized, "Missing federation headers", peer, originId);
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    public async Task Inbox_TimestampOutsideWindow_Is401AndStoresNothing(int offsetSeconds)
    {
        using var peer = await TestPeer.RegisterAsync(_server);
        var (channelId, inviter, _) = await InviteAsync(peer);
        var originId = Guid.NewGuid().ToString();

        using var response = await peer.PostInboxAsync(_server, Relay(peer, channelId, inviter, originId),
            signedAt: DateTimeOffset.UtcNow.AddSeconds(offsetSeconds));

        await AssertRejectedAsync(response, HttpStatusCode.Unauthorized, "Request outside replay window", peer, originId);
    }

    [Fact]
    public async Task Inbox_SignedByAnotherKey_Is401StoresNothingAndIsNotCounted()
    {
        using var peer = await TestPeer.RegisterAsync(_server);
        var (channelId, inviter, _) = await InviteAsync(peer);
        await DeleteRedisKeyAsync($"fed_rate:{peer.Domain}");
        var originId = Guid.NewGuid().ToString();
        using var otherKey = new ServerSigningKey(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

        using var response = await peer.PostInboxAsync(_server, Relay(peer, channelId, inviter, originId), signWith: otherKey);

        await AssertRejectedAsync(response, HttpStatusCode.Unauthorized, "Invalid signature", peer, originId);
        Assert.False(await RedisAsync(db => db.KeyExistsAsync($"fed_rate:{peer.Domain}")));
    }

    [Fact]
    public async Task Inbox_BodyChangedAfterSigning_Is401AndStoresNothing()
    {
        using var peer = await TestPeer.RegisterAsync(_server);
        var (channelId, inviter, _) = await InviteAsync(peer);
        var originId = Guid.NewGuid().ToString();
        var signed = Relay(peer, channelId, inviter, originId);

        var tampered = signed.Replace("\"content_type\":\"text\"", "\"content_type\":\"TEXT\"", StringComparison.Ordinal);
        Assert.NotEqual(signed, tampered);

        using var response = await peer.PostInboxAsync(_server, signed, sendBody: tampered);

        await AssertRejectedAsync(response, HttpStatusCode.Unauthorized, "Invalid signature", peer, originId);
    }

    [Fact]
    public async Task Inbox_BodyOriginDiffersFromSignedOrigin_Is400AndStoresNothing()
    {
        using var peer = await TestPeer.RegisterAsync(_server);
        using var other = await TestPeer.RegisterAsync(_server);
        var (channelId, inviter, _) = await InviteAsync(peer);
        var originId = Guid.NewGuid().ToString();
        // Validly signed by `peer`, but the body claims to come from `other`.
        var body = peer.Event("message.relay", RelayFields(channelId, inviter, originId), origin: other.Domain);

        using var response = await peer.PostInboxAsync(_server, body);

        await AssertRejectedAsync(response, HttpStatusCode.BadRequest, "origin_server does not match X-D3Chat-Origin", peer, originId);
        Assert.Equal(0, await ScalarAsync<long>("SELECT count(*) FROM users WHERE server_domain = @p", other.Domain));
    }

    [Fact]
    public async Task Inbox_UnreachableOrigin_Is401AndStoresNothing()
    {
        // A peer nobody can discover: not in servers, and nothing listens on port 1.
        using var ghost = new TestPeerOnUnreachableHost();
        var originId = Guid.NewGuid().ToString();
        var body = ghost.Peer.Event("message.relay", RelayFields(Guid.NewGuid(), "ghost", originId));

        using var response = await ghost.Peer.PostInboxAsync(_server, body);

        await AssertRejectedAsync(response, HttpStatusCode.Unauthorized, "Could not verify origin server", ghost.Peer, originId);
        Assert.Equal(0, await ScalarAsync<long>("SELECT count(*) FROM servers WHERE domain = @p", ghost.Peer.Domain));
    }

    /// <summary>A peer speaks only for its own users' devices: naming one of ours or another user's is acknowledged (no retry) and stores nothing.</summary>
    [Fact]
    public async Task Inbox_RelayNamingALocalOrAnotherUsersDevice_Is200AndStoresNothing()
    {
        using var peer = await TestPeer.RegisterAsync(_server);
        var (channelId, inviter, _) = await InviteAsync(peer);
        var localDevice = (await TestUser.NewAsync(_server)).DeviceId;
        using var otherPeer = await TestPeer.RegisterAsync(_server);
        var (_, otherInviter, _) = await InviteAsync(otherPeer);
        var thirdPartyDevice = Guid.NewGuid();
        await using (var dataSource = _server.CreateDataSource())
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await connection.ExecuteAsync("""
                INSERT INTO remote_devices (device_id, user_id, identity_key, signed_pre_key, signed_pre_key_signature, fetched_at)
                SELECT @Device, id, 'ik', 'spk', 'sig', now() FROM users WHERE username = @Username AND server_domain = @Domain
                """, new { Device = thirdPartyDevice, Username = otherInviter, otherPeer.Domain });
        }
        var localId = Guid.NewGuid().ToString();
        var thirdPartyId = Guid.NewGuid().ToString();

        using var local = await peer.PostInboxAsync(_server, Relay(peer, channelId, inviter, localId, localDevice));
        using var thirdParty = await peer.PostInboxAsync(_server, Relay(peer, channelId, inviter, thirdPartyId, thirdPartyDevice));

        Assert.Equal(HttpStatusCode.OK, local.StatusCode);
        Assert.Equal(HttpStatusCode.OK, thirdParty.StatusCode);
        Assert.Equal(0, await CountMessagesAsync(peer, localId));
        Assert.Equal(0, await CountMessagesAsync(peer, thirdPartyId));
    }

    [Fact]
    public async Task Inbox_SenderKeysFromALocalDevice_Is200AndStoresNothing()
    {
        using var peer = await TestPeer.RegisterAsync(_server);
        var (channelId, inviter, invitee) = await InviteAsync(peer);
        var localDevice = (await TestUser.NewAsync(_server)).DeviceId;
        var inviteeDevice = await ScalarAsync<Guid>("SELECT d.id FROM devices d JOIN users u ON u.id = d.user_id WHERE u.username = @p", invitee);

        using var response = await peer.PostInboxAsync(_server, peer.Event("sender_key.distribute", new
        {
            channel_id = channelId, device_id = localDevice, sender_username = inviter, sender_key_public = "spoofed",
            envelopes = new[] { new { recipient_device_id = inviteeDevice, envelope = "opaque" } },
        }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM sender_key_envelopes WHERE sender_device_id = @p", localDevice));
    }

    [Fact]
    public async Task Inbox_ReplayedEventId_IsDuplicateAndStoredOnce()
    {
        using var peer = await TestPeer.RegisterAsync(_server);
        var (channelId, inviter, _) = await InviteAsync(peer);
        var originId = Guid.NewGuid().ToString();
        var body = Relay(peer, channelId, inviter, originId);
        using var first = await peer.PostInboxAsync(_server, body);

        using var replay = await peer.PostInboxAsync(_server, body);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal("duplicate", JsonDocument.Parse(await replay.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
        Assert.Equal(1, await CountMessagesAsync(peer, originId));
    }

    [Fact]
    public async Task Inbox_ReplayAfterRedisKeyLost_StillStoredOnce()
    {
        using var peer = await TestPeer.RegisterAsync(_server);
        var (channelId, inviter, _) = await InviteAsync(peer);
        var originId = Guid.NewGuid().ToString();
        var eventId = $"msg-{originId}";
        var body = peer.Event("message.relay", RelayFields(channelId, inviter, originId), eventId);
        using var first = await peer.PostInboxAsync(_server, body);
        await DeleteRedisKeyAsync($"fed_event:{peer.Domain}:{eventId}");

        using var replay = await peer.PostInboxAsync(_server, body);

        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal(1, await CountMessagesAsync(peer, originId));
    }

    [Fact]
    public async Task Inbox_FloodFromOneOrigin_Is429AndStoresNothing()
    {
        using var peer = await TestPeer.RegisterAsync(_server);
        var (channelId, inviter, _) = await InviteAsync(peer);
        // The invite counted once; fill the rest of the 60 s window with cheap unknown-type events.
        for (var i = 1; i < FederationInbox.RateLimitPerWindow; i++)
        {
            using var ok = await peer.PostInboxAsync(_server, peer.Event("test.noop", new { }));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        var originId = Guid.NewGuid().ToString();

        using var response = await peer.PostInboxAsync(_server, Relay(peer, channelId, inviter, originId));

        await AssertRejectedAsync(response, HttpStatusCode.TooManyRequests, "Federation rate limit exceeded", peer, originId);
    }

    [Fact]
    public async Task Inbox_InviteIntoExistingChannelByNonMember_IsIgnored()
    {
        using var peer = await TestPeer.RegisterAsync(_server);
        using var intruder = await TestPeer.RegisterAsync(_server);
        var (channelId, _, _) = await InviteAsync(peer);
        var victim = Names.Username();
        await _server.CreateClient().RegisterAsync(victim, Names.Password);

        using var response = await intruder.PostInboxAsync(_server, intruder.Event("channel.invite", new
        {
            channel_id = channelId, channel_name = "x", inviter_username = "mallory", invitee_username = victim, encryption_type = "sender_keys",
        }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, await ScalarAsync<long>(
            "SELECT count(*) FROM channel_members m JOIN users u ON u.id = m.user_id WHERE u.username = @p", victim));
    }

    [Fact]
    public async Task Inbox_SenderKeyEnvelopes_StoredOnlyForTheRecipientDevice()
    {
        using var peer = await TestPeer.RegisterAsync(_server);
        var local = _server.CreateClient();
        var username = Names.Username();
        var tokens = await local.RegisterAsync(username, Names.Password);
        var (channelId, inviter, _) = await InviteAsync(peer, username);
        var remoteDevice = Guid.NewGuid();

        using var response = await peer.PostInboxAsync(_server, peer.Event("sender_key.distribute", new
        {
            channel_id = channelId, device_id = remoteDevice, sender_username = inviter, sender_key_public = "sk-gen-1",
            envelopes = new object[]
            {
                new { recipient_device_id = tokens.DeviceId, envelope = "opaque-for-local-device" },
                new { recipient_device_id = Guid.NewGuid(), envelope = "opaque-for-a-stranger" },
            },
        }));
        var mine = await local.GetSenderKeysAsync(channelId, tokens.DeviceId);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var envelope = Assert.Single(mine);
        Assert.Equal(remoteDevice, envelope.DeviceId);
        Assert.Equal("opaque-for-local-device", envelope.Envelope);
        Assert.Equal(1, await ScalarAsync<long>("SELECT count(*) FROM sender_key_envelopes WHERE channel_id = @p", channelId));
    }

    [Fact]
    public async Task Inbox_ReferenceSenderKeyWithChainKeyInTheClear_IsNotStored()
    {
        using var peer = await TestPeer.RegisterAsync(_server);
        var (channelId, inviter, _) = await InviteAsync(peer);

        using var response = await peer.PostInboxAsync(_server, peer.Event("sender_key.distribute", new
        {
            channel_id = channelId, device_id = Guid.NewGuid(), sender_username = inviter,
            sender_key_public = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", chain_key = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, await ScalarAsync<long>("SELECT count(*) FROM sender_key_envelopes WHERE channel_id = @p", channelId));
        // No table could hold it: the reference's sender_keys table is gone (migration 0012).
        Assert.Null(await ScalarAsync<object>("SELECT to_regclass(@p)::text", "public.sender_keys") as string);
    }

    [Fact]
    public async Task UserLookup_SignedForLocalUser_FindsIt()
    {
        using var peer = await TestPeer.RegisterAsync(_server);
        var username = Names.Username();
        var tokens = await _server.CreateClient().RegisterAsync(username, Names.Password);

        using var response = await peer.GetUserLookupAsync(_server, username);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(body.GetProperty("found").GetBoolean());
        Assert.Equal(tokens.UserId, body.GetProperty("user_id").GetGuid());
        Assert.Equal(_server.Settings["Server__Domain"], body.GetProperty("server_domain").GetString());
    }

    [Fact]
    public async Task UserLookup_Unsigned_Is401()
    {
        using var response = await _server.CreateClient().SendAsync(HttpMethod.Get, "/federation/user-lookup?username=alice");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Missing federation headers", D3ChatClient.ReadDetail(await response.Content.ReadAsStringAsync()));
    }

    private async Task<(Guid ChannelId, string Inviter, string Invitee)> InviteAsync(TestPeer peer, string? registeredInvitee = null)
    {
        var invitee = registeredInvitee ?? Names.Username();
        if (registeredInvitee is null)
        {
            await _server.CreateClient().RegisterAsync(invitee, Names.Password);
        }
        var channelId = Guid.NewGuid();
        var inviter = Names.Username("r");
        using var response = await peer.PostInboxAsync(_server, peer.Event("channel.invite", new
        {
            channel_id = channelId, channel_name = "federated", inviter_username = inviter, invitee_username = invitee, encryption_type = "sender_keys",
        }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, await ScalarAsync<long>("SELECT count(*) FROM channel_members WHERE channel_id = @p", channelId));
        return (channelId, inviter, invitee);
    }

    // What a D3Chat peer relays: a v3 frame with its sending device.
    private static object RelayFields(Guid channelId, string sender, string originId, Guid? device = null) => new
    {
        channel_id = channelId, sender_username = sender, sender_device_id = device ?? Guid.NewGuid(), content = OpaqueMessages.Frame(),
        content_type = "text", protocol_version = 3, origin_message_id = originId,
    };

    private static string Relay(TestPeer peer, Guid channelId, string sender, string originId, Guid? device = null) =>
        peer.Event("message.relay", RelayFields(channelId, sender, originId, device), $"msg-{originId}");

    private async Task AssertRejectedAsync(HttpResponseMessage response, HttpStatusCode status, string detail, TestPeer peer, string originId)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(detail, D3ChatClient.ReadDetail(await response.Content.ReadAsStringAsync()));
        Assert.Equal(0, await CountMessagesAsync(peer, originId));
        Assert.False(await RedisAsync(db => db.KeyExistsAsync($"fed_event:{peer.Domain}:msg-{originId}")));
    }

    private Task<long> CountMessagesAsync(TestPeer peer, string originId) =>
        ScalarAsync<long>($"SELECT count(*) FROM messages WHERE origin_server = '{peer.Domain}' AND origin_message_id = @p", originId);

    private async Task<T> ScalarAsync<T>(string sql, object parameter)
    {
        await using var dataSource = _server.CreateDataSource();
        await using var command = dataSource.CreateCommand(sql.Replace("@p", "$1", StringComparison.Ordinal));
        command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private Task DeleteRedisKeyAsync(string key) => RedisAsync(db => db.KeyDeleteAsync(key));

    private async Task<T> RedisAsync<T>(Func<IDatabase, Task<T>> action)
    {
        await using var redis = await _server.ConnectRedisAsync();
        return await action(_server.RedisKeys(redis));
    }

    /// <summary>A peer whose domain points at a loopback port where nothing listens.</summary>
    private sealed class TestPeerOnUnreachableHost : IDisposable
    {
        public TestPeer Peer { get; } = TestPeer.Unregistered("127.0.0.1:1");

        public void Dispose() => Peer.Dispose();
    }
}
