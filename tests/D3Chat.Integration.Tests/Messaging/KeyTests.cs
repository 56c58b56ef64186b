using System.Net;
using System.Net.Sockets;
using System.Text;
using D3Chat.Client;
using D3Chat.Integration.Tests.Infrastructure;

namespace D3Chat.Integration.Tests.Messaging;

[Collection(ServerCollections.Messaging)]
public sealed class KeyTests(ServerFixture fixture)
{
    private readonly D3ChatServer _server = fixture.Server;

    private static List<string> Otps(int count) => Enumerable.Range(0, count).Select(i => $"otp-{i}-{Guid.NewGuid():N}").ToList();

    [Fact]
    public async Task UploadBundle_OwnDevice_Is201AndBundleIsServedFifo()
    {
        var alice = await TestUser.NewAsync(_server);
        var bob = await TestUser.NewAsync(_server);
        var otps = Otps(3);

        await alice.Client.UploadKeyBundleAsync(alice.DeviceId, "ik", "spk", "sig", otps);

        var first = await bob.Client.GetDeviceKeyBundleAsync(alice.DeviceId);
        var all = await bob.Client.GetUserKeyBundlesAsync(alice.Id);
        Assert.Equal(new KeyBundleResponse(alice.DeviceId, "ik", "spk", "sig", otps[0], 3), first);
        Assert.Equal(new KeyBundleResponse(alice.DeviceId, "ik", "spk", "sig", otps[1], 2), Assert.Single(all));
        Assert.Empty(await bob.Client.GetUserKeyBundlesAsync(bob.Id));
    }

    [Fact]
    public async Task UploadBundle_SomeoneElsesDeviceOrMissingFields_Is404Or422()
    {
        var alice = await TestUser.NewAsync(_server);
        var bob = await TestUser.NewAsync(_server);

        await Expect.FailsAsync(() => alice.Client.UploadKeyBundleAsync(bob.DeviceId, "ik", "spk", "sig"), HttpStatusCode.NotFound, "Device not found");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, await Expect.StatusAsync(alice.Client, HttpMethod.Post, "/api/v1/keys/upload", new { device_id = alice.DeviceId }));
        Assert.Equal(HttpStatusCode.Unauthorized, await Expect.StatusAsync(_server.CreateClient(), HttpMethod.Get, $"/api/v1/keys/{alice.Id}/bundles"));
    }

    [Fact]
    public async Task GetBundle_NoBundleOrMalformedId_Is404Or422()
    {
        var alice = await TestUser.NewAsync(_server);

        await Expect.FailsAsync(() => alice.Client.GetDeviceKeyBundleAsync(alice.DeviceId), HttpStatusCode.NotFound, "Key bundle not found");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, await Expect.StatusAsync(alice.Client, HttpMethod.Get, "/api/v1/keys/nope/bundle"));
    }

    [Fact]
    public async Task GetBundle_TwentyConcurrentFetchesOfTenKeys_HandOutTenDistinctKeysAndTenNulls()
    {
        var alice = await TestUser.NewAsync(_server);
        var otps = Otps(10);
        await alice.Client.UploadKeyBundleAsync(alice.DeviceId, "ik", "spk", "sig", otps);
        var fetchers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => TestUser.NewAsync(_server)));

        var bundles = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => fetchers[i % 4].Client.GetDeviceKeyBundleAsync(alice.DeviceId)));

        var handedOut = bundles.Select(b => b.OneTimePreKey).Where(k => k is not null).ToList();
        Assert.Equal(10, handedOut.Count);
        Assert.Equal(10, handedOut.Distinct().Count());
        Assert.Equal(otps.OrderBy(k => k), handedOut.OrderBy(k => k));
        Assert.Equal(10, bundles.Count(b => b.OneTimePreKey is null));
    }

    [Fact]
    public async Task GetBundle_LeavingFewerThanTenKeys_WritesKeysLowOtpForTheOwner()
    {
        var alice = await TestUser.NewAsync(_server);
        var bob = await TestUser.NewAsync(_server);
        await alice.Client.UploadKeyBundleAsync(alice.DeviceId, "ik", "spk", "sig", Otps(11));

        await bob.Client.GetDeviceKeyBundleAsync(alice.DeviceId);
        Assert.Empty(await Outbox.EventsAsync(_server, "payload->>'type' = 'keys.low_otp' AND payload->'data'->>'device_id'", alice.DeviceId.ToString()));
        await bob.Client.GetDeviceKeyBundleAsync(alice.DeviceId);

        var low = Assert.Single(await Outbox.EventsAsync(_server, "payload->>'type' = 'keys.low_otp' AND payload->'data'->>'device_id'", alice.DeviceId.ToString()));
        Assert.Equal(9, low.GetProperty("data").GetProperty("remaining").GetInt32());
        Assert.Equal(alice.Id.ToString(), low.GetProperty("user_ids")[0].GetString());
    }

    [Fact]
    public async Task UploadOneTimeKeys_AppendsAndReportsTotal_WithoutBundleIs404()
    {
        var alice = await TestUser.NewAsync(_server);
        var bob = await TestUser.NewAsync(_server);
        await Expect.FailsAsync(() => alice.Client.UploadOneTimeKeysAsync(alice.DeviceId, Otps(1)), HttpStatusCode.NotFound, "Key bundle not found, upload bundle first");
        await Expect.FailsAsync(() => alice.Client.UploadOneTimeKeysAsync(bob.DeviceId, Otps(1)), HttpStatusCode.NotFound, "Device not found");
        await alice.Client.UploadKeyBundleAsync(alice.DeviceId, "ik", "spk", "sig", Otps(2));

        using var response = await alice.Client.SendAsync(HttpMethod.Post, "/api/v1/keys/one-time", new { device_id = alice.DeviceId, one_time_pre_keys = Otps(3) });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("""{"status":"ok","count":5}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task X3dhSetup_MembersStoreAndRead_OthersAre403_MissingIs404()
    {
        var alice = await TestUser.NewAsync(_server);
        var bob = await TestUser.NewAsync(_server);
        var eve = await TestUser.NewAsync(_server);
        var dm = await alice.Client.CreateDmAsync(bob.Id);
        await Expect.FailsAsync(() => bob.Client.GetX3dhSetupAsync(dm.Id), HttpStatusCode.NotFound, "No X3DH setup data found");

        await alice.Client.PostX3dhSetupAsync(dm.Id, new X3dhSetup("ik", "ek", true));

        Assert.Equal(new X3dhSetup("ik", "ek", true), await bob.Client.GetX3dhSetupAsync(dm.Id));
        await Expect.FailsAsync(() => eve.Client.GetX3dhSetupAsync(dm.Id), HttpStatusCode.Forbidden, "Not a member of this channel");
        await Expect.FailsAsync(() => eve.Client.PostX3dhSetupAsync(dm.Id, new X3dhSetup("x", "y", false)), HttpStatusCode.Forbidden);
        await Expect.FailsAsync(() => eve.Client.PostX3dhSetupAsync(Guid.NewGuid(), new X3dhSetup("x", "y", false)), HttpStatusCode.NotFound, "Channel not found");
    }

    [Fact]
    public async Task SenderKeys_EachDeviceReadsOnlyTheEnvelopeAddressedToIt()
    {
        var alice = await TestUser.NewAsync(_server);
        var bob = await TestUser.NewAsync(_server);
        var carol = await TestUser.NewAsync(_server);
        var channel = await alice.Client.CreateChannelAsync("group");
        await alice.Client.AddMemberAsync(channel.Id, bob.Id);
        await alice.Client.AddMemberAsync(channel.Id, carol.Id);

        var uploaded = await alice.Client.UploadSenderKeyAsync(channel.Id, alice.DeviceId, "skp",
            [new SenderKeyEnvelope(bob.DeviceId, "for-bob"), new SenderKeyEnvelope(carol.DeviceId, "for-carol")]);

        Assert.Equal(new SenderKeyUploadResponse(alice.DeviceId, "skp", 0, 2), uploaded);
        var bobs = Assert.Single(await bob.Client.GetSenderKeysAsync(channel.Id, bob.DeviceId));
        Assert.Equal((alice.DeviceId, alice.Id, "skp", bob.DeviceId, "for-bob"), (bobs.DeviceId, bobs.SenderUserId, bobs.SenderKeyPublic, bobs.RecipientDeviceId, bobs.Envelope));
        Assert.Equal("for-carol", Assert.Single(await carol.Client.GetSenderKeysAsync(channel.Id, carol.DeviceId)).Envelope);
        Assert.Empty(await alice.Client.GetSenderKeysAsync(channel.Id, alice.DeviceId));
        await Expect.FailsAsync(() => bob.Client.GetSenderKeysAsync(channel.Id, carol.DeviceId), HttpStatusCode.NotFound, "Device not found");
        Assert.Single(await Outbox.EventsAsync(_server, "payload->>'type' = 'sender_key.new' AND payload->>'channel_id'", channel.Id.ToString()));
    }

    [Fact]
    public async Task SenderKeys_ErrorCases_Are403Or404Or400Or422()
    {
        var alice = await TestUser.NewAsync(_server);
        var bob = await TestUser.NewAsync(_server);
        var outsider = await TestUser.NewAsync(_server);
        var channel = await alice.Client.CreateChannelAsync("group");
        await alice.Client.AddMemberAsync(channel.Id, bob.Id);

        await Expect.FailsAsync(() => outsider.Client.UploadSenderKeyAsync(channel.Id, outsider.DeviceId, "k", []), HttpStatusCode.Forbidden, "Not a member of this channel");
        await Expect.FailsAsync(() => outsider.Client.GetSenderKeysAsync(channel.Id, outsider.DeviceId), HttpStatusCode.Forbidden, "Not a member of this channel");
        await Expect.FailsAsync(() => alice.Client.UploadSenderKeyAsync(channel.Id, bob.DeviceId, "k", []), HttpStatusCode.NotFound, "Device not found");
        await Expect.FailsAsync(() => alice.Client.UploadSenderKeyAsync(channel.Id, alice.DeviceId, "k", [new SenderKeyEnvelope(outsider.DeviceId, "leak")]),
            HttpStatusCode.BadRequest, "Every recipient_device_id must be a device of a channel member");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, await Expect.StatusAsync(alice.Client, HttpMethod.Post, $"/api/v1/keys/channels/{channel.Id}/sender-keys",
            new { device_id = alice.DeviceId, sender_key_public = "k", chain_key = "plaintext", envelopes = Array.Empty<object>() }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, await Expect.StatusAsync(alice.Client, HttpMethod.Get, $"/api/v1/keys/channels/{channel.Id}/sender-keys"));
    }

    [Fact]
    public async Task SenderKeys_MemberLeaves_EnvelopesToAndFromTheLeaverAreDropped()
    {
        var alice = await TestUser.NewAsync(_server);
        var bob = await TestUser.NewAsync(_server);
        var channel = await alice.Client.CreateChannelAsync("group");
        await bob.Client.JoinChannelAsync(channel.Id);
        await alice.Client.UploadSenderKeyAsync(channel.Id, alice.DeviceId, "a1", [new SenderKeyEnvelope(bob.DeviceId, "for-bob")]);
        await bob.Client.UploadSenderKeyAsync(channel.Id, bob.DeviceId, "b1", [new SenderKeyEnvelope(alice.DeviceId, "for-alice")]);

        await bob.Client.LeaveChannelAsync(channel.Id);
        await bob.Client.JoinChannelAsync(channel.Id);

        Assert.Empty(await alice.Client.GetSenderKeysAsync(channel.Id, alice.DeviceId));
        Assert.Empty(await bob.Client.GetSenderKeysAsync(channel.Id, bob.DeviceId));
    }

    /// <summary>A syntactically valid P-256 point: 0x04 then 64 random bytes (the server checks the encoding only).</summary>
    private static string SigningKey()
    {
        var point = System.Security.Cryptography.RandomNumberGenerator.GetBytes(65);
        point[0] = 0x04;
        return Convert.ToBase64String(point);
    }

    [Fact]
    public async Task UploadBundle_WithSigningKey_EveryBundleAndDeviceListCarriesIt()
    {
        var alice = await TestUser.NewAsync(_server);
        var bob = await TestUser.NewAsync(_server);
        var signingKey = SigningKey();
        var otps = Otps(3);

        await alice.Client.UploadKeyBundleAsync(alice.DeviceId, "ik", "spk", "sig", otps, signingKey);

        Assert.Equal(new KeyBundleResponse(alice.DeviceId, "ik", "spk", "sig", otps[0], 3, signingKey), await bob.Client.GetDeviceKeyBundleAsync(alice.DeviceId));
        Assert.Equal(new KeyBundleResponse(alice.DeviceId, "ik", "spk", "sig", otps[1], 2, signingKey), Assert.Single(await bob.Client.GetUserKeyBundlesAsync(alice.Id)));
        Assert.Equal(new DeviceKeys(alice.DeviceId, "ik", signingKey, "spk", "sig"), Assert.Single(await bob.Client.GetUserDevicesAsync(alice.Id)));
    }

    [Fact]
    public async Task UploadBundle_WithoutSigningKey_ReadsNull_AndAReuploadWithoutItClearsIt()
    {
        var alice = await TestUser.NewAsync(_server);
        await alice.Client.UploadKeyBundleAsync(alice.DeviceId, "ik", "spk", "sig", signingKey: SigningKey());

        await alice.Client.UploadKeyBundleAsync(alice.DeviceId, "ik2", "spk2", "sig2");

        using var response = await alice.Client.SendAsync(HttpMethod.Get, $"/api/v1/keys/{alice.DeviceId}/bundle");
        var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(System.Text.Json.JsonValueKind.Null, body.GetProperty("signing_key").ValueKind);
        Assert.Null(Assert.Single(await alice.Client.GetUserDevicesAsync(alice.Id)).SigningKey);
    }

    public static TheoryData<string> BadSigningKeys()
    {
        var compressed = new byte[33];
        compressed[0] = 0x02;
        var wrongPrefix = new byte[65];
        wrongPrefix[0] = 0x02;
        var tooLong = new byte[66];
        tooLong[0] = 0x04;
        var tooShort = new byte[64];
        tooShort[0] = 0x04;
        var point = new byte[65];
        point[0] = 0x04;
        return new()
        {
            Convert.ToBase64String(compressed),
            Convert.ToBase64String(wrongPrefix),
            Convert.ToBase64String(tooLong),
            Convert.ToBase64String(tooShort),
            Convert.ToBase64String(point).Replace('A', '-'),
            "not base64",
            "",
        };
    }

    [Theory]
    [MemberData(nameof(BadSigningKeys))]
    public async Task UploadBundle_SigningKeyNotAP256Point_Is422AndStoresNothing(string signingKey)
    {
        var alice = await TestUser.NewAsync(_server);

        await Expect.InvalidAsync(alice.Client, HttpMethod.Post, "/api/v1/keys/upload",
            new { device_id = alice.DeviceId, identity_key = "ik", signed_pre_key = "spk", signed_pre_key_signature = "sig", signing_key = signingKey },
            ["body", "signing_key"], D3Chat.Core.Keys.PublicKeyEncoding.NotAPointMessage);
        await Expect.FailsAsync(() => alice.Client.GetDeviceKeyBundleAsync(alice.DeviceId), HttpStatusCode.NotFound, "Key bundle not found");
    }

    [Fact]
    public async Task Devices_ListsEveryDeviceWithABundle_ClaimsNoOneTimeKey()
    {
        var alice = await TestUser.NewAsync(_server);
        var bob = await TestUser.NewAsync(_server);
        var second = await alice.Client.CreateDeviceAsync("laptop");
        var keys = (First: SigningKey(), Second: SigningKey());
        await alice.Client.UploadKeyBundleAsync(alice.DeviceId, "ik1", "spk1", "sig1", Otps(2), keys.First);
        await alice.Client.UploadKeyBundleAsync(second.Id, "ik2", "spk2", "sig2", Otps(2), keys.Second);

        var devices = await bob.Client.GetUserDevicesAsync(alice.Id);
        await bob.Client.GetUserDevicesAsync(alice.Id);

        Assert.Equal([new DeviceKeys(alice.DeviceId, "ik1", keys.First, "spk1", "sig1"), new DeviceKeys(second.Id, "ik2", keys.Second, "spk2", "sig2")], devices);
        Assert.Equal(2, (await bob.Client.GetDeviceKeyBundleAsync(alice.DeviceId)).OneTimePreKeyCount);
        Assert.Empty(await alice.Client.GetUserDevicesAsync(bob.Id));
    }

    [Fact]
    public async Task Devices_UnknownUserOrMalformedIdOrAnonymous_Is404Or422Or401()
    {
        var alice = await TestUser.NewAsync(_server);

        await Expect.FailsAsync(() => alice.Client.GetUserDevicesAsync(Guid.NewGuid()), HttpStatusCode.NotFound, "User not found");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, await Expect.StatusAsync(alice.Client, HttpMethod.Get, "/api/v1/keys/nope/devices"));
        Assert.Equal(HttpStatusCode.Unauthorized, await Expect.StatusAsync(_server.CreateClient(), HttpMethod.Get, $"/api/v1/keys/{alice.Id}/devices"));
    }

    [Fact]
    public async Task ChannelDevices_EveryMemberInJoinOrderWithItsDevices_ClaimsNoOneTimeKey()
    {
        var alice = await TestUser.NewAsync(_server);
        var bob = await TestUser.NewAsync(_server);
        var carol = await TestUser.NewAsync(_server);
        var laptop = await alice.Client.CreateDeviceAsync("laptop");
        var keys = (Alice: SigningKey(), Laptop: SigningKey(), Bob: SigningKey());
        await alice.Client.UploadKeyBundleAsync(alice.DeviceId, "ik-a", "spk-a", "sig-a", Otps(2), keys.Alice);
        await alice.Client.UploadKeyBundleAsync(laptop.Id, "ik-l", "spk-l", "sig-l", Otps(2), keys.Laptop);
        await bob.Client.UploadKeyBundleAsync(bob.DeviceId, "ik-b", "spk-b", "sig-b", Otps(2), keys.Bob);
        var channel = await alice.Client.CreateChannelAsync("devices", isPublic: false);
        await alice.Client.AddMemberAsync(channel.Id, bob.Id);
        await alice.Client.AddMemberAsync(channel.Id, carol.Id);

        var members = await bob.Client.GetChannelDevicesAsync(channel.Id);

        Assert.Equal([alice.Id, bob.Id, carol.Id], members.Select(m => m.UserId));
        Assert.Equal([new DeviceKeys(alice.DeviceId, "ik-a", keys.Alice, "spk-a", "sig-a"), new DeviceKeys(laptop.Id, "ik-l", keys.Laptop, "spk-l", "sig-l")], members[0].Devices);
        Assert.Equal([new DeviceKeys(bob.DeviceId, "ik-b", keys.Bob, "spk-b", "sig-b")], members[1].Devices);
        Assert.Empty(members[2].Devices); // carol uploaded no bundle
        Assert.Equal(2, (await carol.Client.GetDeviceKeyBundleAsync(alice.DeviceId)).OneTimePreKeyCount);
        Assert.Equal(members[0].Devices, await carol.Client.GetUserDevicesAsync(alice.Id));
    }

    [Fact]
    public async Task ChannelDevices_NonMemberOrUnknownChannelOrMalformedIdOrAnonymous_Is403Or404Or422Or401()
    {
        var alice = await TestUser.NewAsync(_server);
        var outsider = await TestUser.NewAsync(_server);
        var channel = await alice.Client.CreateChannelAsync("closed", isPublic: false);

        await Expect.FailsAsync(() => outsider.Client.GetChannelDevicesAsync(channel.Id), HttpStatusCode.Forbidden, "Not a member of this channel");
        await Expect.FailsAsync(() => alice.Client.GetChannelDevicesAsync(Guid.NewGuid()), HttpStatusCode.NotFound, "Channel not found");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, await Expect.StatusAsync(alice.Client, HttpMethod.Get, "/api/v1/keys/channels/nope/devices"));
        Assert.Equal(HttpStatusCode.Unauthorized, await Expect.StatusAsync(_server.CreateClient(), HttpMethod.Get, $"/api/v1/keys/channels/{channel.Id}/devices"));
    }

    /// <summary>
    /// Remote members are asked for through their server, which here answers 503 to everything: it is asked
    /// once (not once per member, nor again within a minute), and its members come back with their last
    /// known devices.
    /// </summary>
    [Fact]
    public async Task ChannelDevices_RemoteServerThatDoesNotAnswer_IsAskedOnceAndItsMembersGetTheirLastKnownDevices()
    {
        using var peer = new ScriptedPeer(_ => (503, ""));
        var alice = await TestUser.NewAsync(_server);
        var channel = await alice.Client.CreateChannelAsync("with-remotes", isPublic: false);
        var (first, second, lastKnown) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await AddRemoteMembersAsync(peer, channel.Id, (first, "remotefirst"), (second, "remotesecond"));
        await _server.ExecuteSqlAsync("""
            INSERT INTO remote_devices (device_id, user_id, identity_key, signed_pre_key, signed_pre_key_signature, fetched_at)
            VALUES (@LastKnown, @First, 'ik-r', 'spk-r', 'sig-r', now())
            """, new { LastKnown = lastKnown, First = first });

        var members = await alice.Client.GetChannelDevicesAsync(channel.Id);
        var again = await alice.Client.GetChannelDevicesAsync(channel.Id);
        var secondAlone = await alice.Client.GetUserDevicesAsync(second);

        Assert.Equal([alice.Id, first, second], members.Select(m => m.UserId));
        Assert.Equal(new DeviceKeys(lastKnown, "ik-r", null, "spk-r", "sig-r"), Assert.Single(members[1].Devices));
        Assert.Empty(members[2].Devices);
        Assert.Equal(members.Select(m => (m.UserId, m.Devices.Count)), again.Select(m => (m.UserId, m.Devices.Count)));
        Assert.Empty(secondAlone);
        // Asked once: neither the second list nor the single user's list (within a minute) asks again.
        Assert.Equal(["GET /federation/key-bundles?username=remotefirst"], peer.Requests);
    }

    /// <summary>
    /// A remote member's list fetched whole is answered locally for ten minutes (announcements keep it
    /// current), so sends do not wait for the member's server; an older list is fetched again.
    /// </summary>
    [Fact]
    public async Task ChannelDevices_RemoteListFetchedWithinTenMinutes_IsAnsweredWithoutAskingItsServer()
    {
        var device = Guid.NewGuid();
        using var peer = new ScriptedPeer(_ => (200, $$"""
            {"username": "remoteok", "bundles": [{"device_id": "{{device}}", "identity_key": "ik-r", "signed_pre_key": "spk-r",
              "signed_pre_key_signature": "sig-r", "one_time_pre_key": null, "one_time_pre_key_count": 0, "signing_key": null}]}
            """));
        var alice = await TestUser.NewAsync(_server);
        var channel = await alice.Client.CreateChannelAsync("with-a-remote", isPublic: false);
        var remote = Guid.NewGuid();
        await AddRemoteMembersAsync(peer, channel.Id, (remote, "remoteok"));
        var expected = new DeviceKeys(device, "ik-r", null, "spk-r", "sig-r");

        var fetched = await alice.Client.GetChannelDevicesAsync(channel.Id);
        var fromStore = await alice.Client.GetChannelDevicesAsync(channel.Id);
        var asked = peer.Requests.Count;
        await _server.ExecuteSqlAsync("UPDATE remote_device_lists SET fetched_at = now() - interval '11 minutes' WHERE user_id = @Remote", new { Remote = remote });
        var refetched = await alice.Client.GetChannelDevicesAsync(channel.Id);

        Assert.Equal(expected, Assert.Single(fetched[1].Devices));
        Assert.Equal(expected, Assert.Single(fromStore[1].Devices));
        Assert.Equal(expected, Assert.Single(refetched[1].Devices));
        Assert.Equal(1, asked);
        Assert.Equal(2, peer.Requests.Count);
    }

    // A peer server at the scripted peer's address, known to the server (as discovery would have stored it), with the given remote users as members of the channel.
    private async Task AddRemoteMembersAsync(ScriptedPeer peer, Guid channelId, params (Guid Id, string Username)[] users)
    {
        await _server.ExecuteSqlAsync("""
            INSERT INTO servers (id, domain, signing_key_public, api_base_url, is_local, verified, protocol_version)
            VALUES (gen_random_uuid(), @Domain, 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', @Url, false, true, 1)
            """, new { peer.Domain, Url = $"http://{peer.Domain}" });
        for (var i = 0; i < users.Length; i++)
        {
            await _server.ExecuteSqlAsync("""
                INSERT INTO users (id, username, server_domain, is_local) VALUES (@Id, @Username, @Domain, false);
                INSERT INTO channel_members (channel_id, user_id, joined_at) VALUES (@ChannelId, @Id, now() + make_interval(secs => @Order));
                """, new { users[i].Id, users[i].Username, peer.Domain, ChannelId = channelId, Order = i + 1 });
        }
    }

    /// <summary>An HTTP server on 127.0.0.1 that answers every request as scripted and records each request's method and target.</summary>
    private sealed class ScriptedPeer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly List<string> _requests = [];
        private readonly Func<string, (int Status, string Body)> _answer;

        public ScriptedPeer(Func<string, (int Status, string Body)> answer)
        {
            _answer = answer;
            _listener.Start();
            _ = Task.Run(AcceptAsync);
        }

        public string Domain => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

        public IReadOnlyList<string> Requests
        {
            get
            {
                lock (_requests)
                {
                    return [.. _requests];
                }
            }
        }

        public void Dispose() => _listener.Stop();

        private async Task AcceptAsync()
        {
            while (true)
            {
                using var client = await _listener.AcceptTcpClientAsync();
                var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
                var request = string.Join(' ', (await reader.ReadLineAsync() ?? "").Split(' ').Take(2));
                while (!string.IsNullOrEmpty(await reader.ReadLineAsync()))
                {
                }
                lock (_requests)
                {
                    _requests.Add(request);
                }
                var (status, body) = _answer(request);
                var bytes = Encoding.UTF8.GetBytes(body);
                var head = $"HTTP/1.1 {status} Scripted\r\nContent-Type: application/json\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head).Concat(bytes).ToArray());
            }
        }
    }
}
