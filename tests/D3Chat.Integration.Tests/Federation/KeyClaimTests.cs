using System.Net;
using System.Text.Json;
using D3Chat.Client;
using D3Chat.Core.Http;
using D3Chat.Core.Keys;
using D3Chat.Integration.Tests.Infrastructure;
using D3Chat.Integration.Tests.Messaging;

namespace D3Chat.Integration.Tests.Federation;

/// <summary>
/// The answering side of <c>POST /federation/key-claim</c>, played against the shared server by a test
/// peer: one-time keys of a local device are handed out once each, only to servers sharing a channel
/// with the device's owner, and only after the signature checked.
/// </summary>
[Collection(ServerCollections.Federation)]
public sealed class KeyClaimTests(ServerFixture fixture)
{
    private const string ClaimPath = "/federation/key-claim";
    private readonly D3ChatServer _server = fixture.Server;

    private async Task<(D3ChatClient Client, string Username, Guid DeviceId, string SigningKey)> UserWithKeysAsync(IReadOnlyList<string> otps)
    {
        var client = _server.CreateClient();
        var username = Names.Username();
        var tokens = await client.RegisterAsync(username, Names.Password);
        var point = System.Security.Cryptography.RandomNumberGenerator.GetBytes(65);
        point[0] = 0x04;
        var signingKey = Convert.ToBase64String(point);
        await client.UploadKeyBundleAsync(tokens.DeviceId, "ik", "spk", "sig", otps, signingKey);
        return (client, username, tokens.DeviceId, signingKey);
    }

    /// <summary>The peer's user invites the local user into a channel: from then on they share it.</summary>
    private async Task ShareChannelAsync(TestPeer peer, string localUsername)
    {
        using var response = await peer.PostInboxAsync(_server, peer.Event("channel.invite", new
        {
            channel_id = Guid.NewGuid(), channel_name = "shared", inviter_username = Names.Username("r"), invitee_username = localUsername,
            encryption_type = "sender_keys",
        }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static string Claim(string username, Guid deviceId) =>
        JsonSerializer.Serialize(new { username, device_id = deviceId, nonce = Guid.NewGuid().ToString("N") });

    private static async Task<JsonElement> BodyAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    [Fact]
    public async Task Claim_SharedChannel_HandsOutEachKeyOnce_WithTheSigningKey()
    {
        using var peer = await TestPeer.RegisterAsync(_server);
        var (client, username, deviceId, signingKey) = await UserWithKeysAsync(["otp-1", "otp-2"]);
        await ShareChannelAsync(peer, username);

        using var first = await peer.SignedPostAsync(_server, ClaimPath, Claim(username, deviceId));
        using var second = await peer.SignedPostAsync(_server, ClaimPath, Claim(username, deviceId));
        using var third = await peer.SignedPostAsync(_server, ClaimPath, Claim(username, deviceId));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var a = await BodyAsync(first);
        Assert.Equal(deviceId, a.GetProperty("device_id").GetGuid());
        Assert.Equal(signingKey, a.GetProperty("signing_key").GetString());
        Assert.Equal("ik", a.GetProperty("identity_key").GetString());
        Assert.Equal(["otp-1", "otp-2", null], new[] { a, await BodyAsync(second), await BodyAsync(third) }.Select(b => b.GetProperty("one_time_pre_key").GetString()));
        Assert.Null((await client.GetDeviceKeyBundleAsync(deviceId)).OneTimePreKey);
    }

    [Fact]
    public async Task Claim_Concurrent_NoKeyIsHandedOutTwice()
    {
        using var peer = await TestPeer.RegisterAsync(_server);
        var otps = Enumerable.Range(0, 5).Select(i => $"otp-{i}-{Guid.NewGuid():N}").ToList();
        var (_, username, deviceId, _) = await UserWithKeysAsync(otps);
        await ShareChannelAsync(peer, username);

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => peer.SignedPostAsync(_server, ClaimPath, Claim(username, deviceId))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var claimed = new List<string?>();
        foreach (var response in responses)
        {
            claimed.Add((await BodyAsync(response)).GetProperty("one_time_pre_key").GetString());
            response.Dispose();
        }
        Assert.Equal(otps.Order(), claimed.OfType<string>().Order());
        Assert.Equal(5, claimed.Count(c => c is null));
    }

    [Fact]
    public async Task Claim_ReplayedByteForByte_Is409AndHandsOutNoSecondKey()
    {
        using var peer = await TestPeer.RegisterAsync(_server);
        var (client, username, deviceId, _) = await UserWithKeysAsync(["otp-1", "otp-2"]);
        await ShareChannelAsync(peer, username);
        var body = Claim(username, deviceId);
        var signedAt = DateTimeOffset.UtcNow;

        using var first = await peer.SignedPostAsync(_server, ClaimPath, body, signedAt);
        using var replayed = await peer.SignedPostAsync(_server, ClaimPath, body, signedAt);
        using var fresh = await peer.SignedPostAsync(_server, ClaimPath, body, signedAt.AddSeconds(1));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("otp-1", (await BodyAsync(first)).GetProperty("one_time_pre_key").GetString());
        Assert.Equal(HttpStatusCode.Conflict, replayed.StatusCode);
        Assert.Equal(Problem.FederationRequestReplayed.Detail, D3ChatClient.ReadDetail(await replayed.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.Equal("otp-2", (await BodyAsync(fresh)).GetProperty("one_time_pre_key").GetString());
        Assert.Null((await client.GetDeviceKeyBundleAsync(deviceId)).OneTimePreKey);
    }

    [Fact]
    public async Task Claim_NoSharedChannel_Is403AndClaimsNothing()
    {
        using var peer = await TestPeer.RegisterAsync(_server);
        var (client, username, deviceId, _) = await UserWithKeysAsync(["otp-1"]);

        using var response = await peer.SignedPostAsync(_server, ClaimPath, Claim(username, deviceId));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("No channel shared with the owner of this device", D3ChatClient.ReadDetail(await response.Content.ReadAsStringAsync()));
        Assert.Equal("otp-1", (await client.GetDeviceKeyBundleAsync(deviceId)).OneTimePreKey);
    }

    [Fact]
    public async Task Claim_UnknownDeviceOrWrongOwner_Is404()
    {
        using var peer = await TestPeer.RegisterAsync(_server);
        var (client, username, deviceId, _) = await UserWithKeysAsync(["otp-1"]);
        var (_, otherName, _, _) = await UserWithKeysAsync(["otp-x"]);
        await ShareChannelAsync(peer, username);
        await ShareChannelAsync(peer, otherName);

        using var unknown = await peer.SignedPostAsync(_server, ClaimPath, Claim(username, Guid.NewGuid()));
        using var wrongOwner = await peer.SignedPostAsync(_server, ClaimPath, Claim(otherName, deviceId));

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("Key bundle not found", D3ChatClient.ReadDetail(await unknown.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.NotFound, wrongOwner.StatusCode);
        Assert.Equal("otp-1", (await client.GetDeviceKeyBundleAsync(deviceId)).OneTimePreKey);
    }

    [Fact]
    public async Task Claim_BadSignatureOrUnsignedOrMissingFieldOrLongNonce_Is401Or422AndClaimsNothing()
    {
        using var peer = await TestPeer.RegisterAsync(_server);
        var (client, username, deviceId, _) = await UserWithKeysAsync(["otp-1"]);
        await ShareChannelAsync(peer, username);
        using var wrongKey = new D3Chat.Core.Crypto.ServerSigningKey(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

        using var forged = await peer.SignedPostAsync(_server, ClaimPath, Claim(username, deviceId), signWith: wrongKey);
        using var unsigned = await _server.CreateClient().SendAsync(HttpMethod.Post, ClaimPath, new { username, device_id = deviceId });
        using var missing = await peer.SignedPostAsync(_server, ClaimPath, JsonSerializer.Serialize(new { username }));
        using var longNonce = await peer.SignedPostAsync(_server, ClaimPath,
            JsonSerializer.Serialize(new { username, device_id = deviceId, nonce = new string('n', KeyClaimRequest.MaxNonceLength + 1) }));

        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal("Invalid signature", D3ChatClient.ReadDetail(await forged.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, missing.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, longNonce.StatusCode);
        Assert.Equal("otp-1", (await client.GetDeviceKeyBundleAsync(deviceId)).OneTimePreKey);
    }
}
