using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using D3Chat.Client;
using D3Chat.Core.Crypto;
using D3Chat.Integration.Tests.Infrastructure;

namespace D3Chat.Integration.Tests.Federation;

/// <summary>
/// Sender keys across servers: a device on A learns the devices of a member on B through A
/// (<c>GET /api/v1/keys/{remote_user_id}/bundles</c> → signed <c>GET /federation/key-bundles</c> on B),
/// addresses an envelope to one of them, and <c>sender_key.distribute</c> delivers exactly that envelope.
/// </summary>
public sealed class RemoteSenderKeyTests : TwoPeerTest
{
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task SenderKeys_EnvelopeForRemoteMemberDevice_ReachesExactlyThatDeviceOnItsServer()
    {
        var alice = A.CreateClient();
        var aliceTokens = await alice.RegisterAsync(Names.Username("alice"), Names.Password);
        var bob = B.CreateClient();
        var bobName = Names.Username("bob");
        var bobTokens = await bob.RegisterAsync(bobName, Names.Password);
        await bob.UploadKeyBundleAsync(bobTokens.DeviceId, "ik-bob", "spk-bob", "sig-bob", ["otp-bob-1"]);

        var bobOnA = (await alice.LookupUserAsync($"{bobName}@{TwoServerTests.Domain(B)}")).Id;
        var channel = await alice.CreateChannelAsync("sender-key-room", isPublic: false);
        await alice.AddMemberAsync(channel.Id, bobOnA);
        await Eventually.TrueAsync(async () => (await bob.ListChannelsAsync()).Any(c => c.Id == channel.Id), Delivery, "B to materialise the channel");

        // A fetches bob's devices from B: the bundle without a one-time key, and B's key stays unclaimed.
        var bundles = await alice.GetUserKeyBundlesAsync(bobOnA);
        Assert.Equal(new KeyBundleResponse(bobTokens.DeviceId, "ik-bob", "spk-bob", "sig-bob", null, 0), Assert.Single(bundles));
        Assert.Equal("otp-bob-1", (await bob.GetDeviceKeyBundleAsync(bobTokens.DeviceId)).OneTimePreKey);

        // A device nobody in the channel owns is still refused; bob's remote device is accepted.
        await Expect.FailsAsync(() => alice.UploadSenderKeyAsync(channel.Id, aliceTokens.DeviceId, "skp-1", [new SenderKeyEnvelope(Guid.NewGuid(), "x")]),
            HttpStatusCode.BadRequest, "Every recipient_device_id must be a device of a channel member");
        var uploaded = await alice.UploadSenderKeyAsync(channel.Id, aliceTokens.DeviceId, "skp-1", [new SenderKeyEnvelope(bobTokens.DeviceId, "envelope-for-bob")]);
        Assert.Equal(1, uploaded.Recipients);

        // sender_key.distribute carries it to B, where only bob's device reads it.
        List<SenderKeyEnvelopeResponse> received = [];
        await Eventually.TrueAsync(async () => (received = await bob.GetSenderKeysAsync(channel.Id, bobTokens.DeviceId)).Count > 0, Delivery, "the envelope on B");
        var envelope = Assert.Single(received);
        Assert.Equal((aliceTokens.DeviceId, bobTokens.DeviceId, "skp-1", "envelope-for-bob"),
            (envelope.DeviceId, envelope.RecipientDeviceId, envelope.SenderKeyPublic, envelope.Envelope));

        // B unreachable: A answers with the devices it last learnt.
        await B.StopAsync();
        Assert.Equal([bobTokens.DeviceId], (await alice.GetUserKeyBundlesAsync(bobOnA)).Select(b => b.DeviceId));
    }

    /// <summary>
    /// Issue 10, federation: a local client claims a one-time key of a remote device through its own
    /// server (signed <c>POST /federation/key-claim</c> on the owner's server, atomically there), and the
    /// owner's server announces device changes (<c>device.update</c>), so the remote device list and
    /// the local members' clients follow without anyone fetching.
    /// </summary>
    [Fact]
    public async Task RemoteDevices_OneTimeKeysClaimedOnTheOwnersServer_AndDeviceChangesAnnounced()
    {
        var alice = A.CreateClient();
        await alice.RegisterAsync(Names.Username("alice"), Names.Password);
        var bob = B.CreateClient();
        var bobName = Names.Username("bob");
        var bobTokens = await bob.RegisterAsync(bobName, Names.Password);
        var bobSigningKey = SigningKey();
        await bob.UploadKeyBundleAsync(bobTokens.DeviceId, "ik-bob", "spk-bob", "sig-bob", ["otp-bob-1", "otp-bob-2"], bobSigningKey);
        var bobOnA = (await alice.LookupUserAsync($"{bobName}@{TwoServerTests.Domain(B)}")).Id;
        var channel = await alice.CreateChannelAsync("x3dh-room", isPublic: false);
        await alice.AddMemberAsync(channel.Id, bobOnA);
        await Eventually.TrueAsync(async () => (await bob.ListChannelsAsync()).Any(c => c.Id == channel.Id), Delivery, "B to materialise the channel");

        // The device list through A claims nothing; the bundle through A claims bob's first key on B.
        Assert.Equal(new DeviceKeys(bobTokens.DeviceId, "ik-bob", bobSigningKey, "spk-bob", "sig-bob"), Assert.Single(await alice.GetUserDevicesAsync(bobOnA)));
        var members = await alice.GetChannelDevicesAsync(channel.Id);
        Assert.Equal(2, members.Count);
        Assert.Empty(members[0].Devices); // alice, the creator, has no bundle
        Assert.Equal(bobOnA, members[1].UserId);
        Assert.Equal(new DeviceKeys(bobTokens.DeviceId, "ik-bob", bobSigningKey, "spk-bob", "sig-bob"), Assert.Single(members[1].Devices));
        Assert.Equal(new KeyBundleResponse(bobTokens.DeviceId, "ik-bob", "spk-bob", "sig-bob", "otp-bob-1", 2, bobSigningKey),
            await alice.GetDeviceKeyBundleAsync(bobTokens.DeviceId));
        Assert.Equal("otp-bob-2", (await bob.GetDeviceKeyBundleAsync(bobTokens.DeviceId)).OneTimePreKey);
        Assert.Null((await alice.GetDeviceKeyBundleAsync(bobTokens.DeviceId)).OneTimePreKey);

        // Bob adds a device with keys: A learns it from B's announcement, and alice's client hears it.
        await using var aliceListener = await Realtime.RealtimeListener.ConnectAsync(alice);
        var tablet = await bob.CreateDeviceAsync("tablet");
        var tabletKey = SigningKey();
        await bob.UploadKeyBundleAsync(tablet.Id, "ik-tab", "spk-tab", "sig-tab", signingKey: tabletKey);
        await Eventually.TrueAsync(async () => (await RemoteDevicesOnAAsync(bobOnA)).Contains((tablet.Id, tabletKey)), Delivery, "the tablet on A");
        var heard = await aliceListener.WaitForAsync(e => Realtime.RealtimeListener.OfType("device.update")(e)
            && e.GetProperty("device_id").GetGuid() == tablet.Id, "device.update at alice");
        Assert.Equal(bobOnA, heard.GetProperty("user_id").GetGuid());
        Assert.Equal(channel.Id, heard.GetProperty("channel_id").GetGuid());

        // Bob removes it: A forgets it.
        await bob.DeleteDeviceAsync(tablet.Id);
        await Eventually.TrueAsync(async () => (await RemoteDevicesOnAAsync(bobOnA)).All(d => d.DeviceId != tablet.Id), Delivery, "the tablet gone on A");
        Assert.Equal([(bobTokens.DeviceId, (string?)bobSigningKey)], await RemoteDevicesOnAAsync(bobOnA));

        // B unreachable: the bundle through A is the last known one, without a one-time key.
        await B.StopAsync();
        Assert.Equal(new KeyBundleResponse(bobTokens.DeviceId, "ik-bob", "spk-bob", "sig-bob", null, 0, bobSigningKey),
            await alice.GetDeviceKeyBundleAsync(bobTokens.DeviceId));
    }

    private static string SigningKey()
    {
        var point = RandomNumberGenerator.GetBytes(65);
        point[0] = 0x04;
        return Convert.ToBase64String(point);
    }

    private async Task<List<(Guid DeviceId, string? SigningKey)>> RemoteDevicesOnAAsync(Guid userId)
    {
        await using var dataSource = A.CreateDataSource();
        await using var command = dataSource.CreateCommand("SELECT device_id, signing_key FROM remote_devices WHERE user_id = $1 ORDER BY fetched_at");
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = userId });
        await using var reader = await command.ExecuteReaderAsync();
        var devices = new List<(Guid, string?)>();
        while (await reader.ReadAsync())
        {
            devices.Add((reader.GetGuid(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
        }
        return devices;
    }
}

/// <summary>The answering side of <c>GET /federation/key-bundles</c>, played against the shared server by a test peer.</summary>
[Collection(ServerCollections.Federation)]
public sealed class KeyBundleLookupTests(ServerFixture fixture)
{
    private readonly D3ChatServer _server = fixture.Server;

    [Fact]
    public async Task KeyBundles_SignedForLocalUser_ListsBundlesWithoutClaimingOneTimeKeys()
    {
        using var peer = await TestPeer.RegisterAsync(_server);
        var (client, username, tokens) = await UserWithBundleAsync();

        using var response = await peer.SignedGetAsync(_server, $"/federation/key-bundles?username={username}");
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(username, body.GetProperty("username").GetString());
        var bundle = Assert.Single(body.GetProperty("bundles").EnumerateArray().ToList());
        Assert.Equal(tokens.DeviceId, bundle.GetProperty("device_id").GetGuid());
        Assert.Equal("ik", bundle.GetProperty("identity_key").GetString());
        Assert.Equal(JsonValueKind.Null, bundle.GetProperty("one_time_pre_key").ValueKind);
        Assert.Equal("otp-1", (await client.GetDeviceKeyBundleAsync(tokens.DeviceId)).OneTimePreKey);
    }

    [Fact]
    public async Task KeyBundles_UnknownUser_IsAnEmptyList()
    {
        using var peer = await TestPeer.RegisterAsync(_server);

        using var response = await peer.SignedGetAsync(_server, $"/federation/key-bundles?username={Names.Username()}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("bundles").EnumerateArray());
    }

    [Fact]
    public async Task KeyBundles_SignedByAnotherKey_Is401AndClaimsNothing()
    {
        using var peer = await TestPeer.RegisterAsync(_server);
        using var wrongKey = new ServerSigningKey(RandomNumberGenerator.GetBytes(32));
        var (client, username, tokens) = await UserWithBundleAsync();

        using var response = await peer.SignedGetAsync(_server, $"/federation/key-bundles?username={username}", signWith: wrongKey);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Invalid signature", D3ChatClient.ReadDetail(await response.Content.ReadAsStringAsync()));
        Assert.Equal(new KeyBundleResponse(tokens.DeviceId, "ik", "spk", "sig", "otp-1", 1), await client.GetDeviceKeyBundleAsync(tokens.DeviceId));
    }

    [Fact]
    public async Task KeyBundles_Unsigned_Is401()
    {
        using var response = await _server.CreateClient().SendAsync(HttpMethod.Get, "/federation/key-bundles?username=alice");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Missing federation headers", D3ChatClient.ReadDetail(await response.Content.ReadAsStringAsync()));
    }

    private async Task<(D3ChatClient Client, string Username, TokenResponse Tokens)> UserWithBundleAsync()
    {
        var client = _server.CreateClient();
        var username = Names.Username();
        var tokens = await client.RegisterAsync(username, Names.Password);
        await client.UploadKeyBundleAsync(tokens.DeviceId, "ik", "spk", "sig", ["otp-1"]);
        return (client, username, tokens);
    }
}
