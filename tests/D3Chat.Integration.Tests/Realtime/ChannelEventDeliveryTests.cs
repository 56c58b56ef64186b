using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using D3Chat.Client;
using D3Chat.Core.Realtime;
using D3Chat.Integration.Tests.Infrastructure;

namespace D3Chat.Integration.Tests.Realtime;

/// <summary>
/// End to end through the LocalHost: user A acts over HTTP only (API → outbox → queue → fanout →
/// SignalR emulator), user B listens with a real SignalR client, and the events must have the
/// payloads of spec api.md §11.3.
/// </summary>
[Collection(ServerCollections.Realtime)]
public sealed class ChannelEventDeliveryTests(ServerFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly string[] MessageNewFields =
        ["id", "channel_id", "sender_id", "sender_device_id", "content", "content_type", "protocol_version", "reply_to_id", "reply_to", "attachments", "edited_at", "created_at"];
    private static readonly string[] ChannelNewFields = ["id", "name", "is_dm", "is_federated", "encryption_type", "created_by", "created_at"];
    private readonly D3ChatServer _server = fixture.Server;

    [Fact]
    public async Task MessageNew_PostedByA_ReachesB_WithTheIdAndTheMessageOfGetMessages()
    {
        var (a, _) = await UserAsync();
        var (b, bId) = await UserAsync();
        var channel = await ChannelOfAsync(a, bId);
        await using var bListener = await RealtimeListener.ConnectAsync(b);

        var parent = await a.SendOpaqueAsync(channel);
        var aDevice = parent.SenderDeviceId;
        var posted = await PostRawAsync(a, channel, new { content = OpaqueMessages.Frame(), protocol_version = 3, sender_device_id = aDevice, reply_to_id = parent.Id });
        var id = posted.GetProperty("id").GetString()!;

        var received = await bListener.WaitForAsync(MessageNew(id), "message.new at B");
        var page = await GetRawAsync(a, $"/api/v1/channels/{channel}/messages");
        var stored = page.GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("id").GetString() == id);
        var message = received.GetProperty("message");
        Assert.Equal(["message", "type"], received.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(MessageNewFields.Order(), message.EnumerateObject().Select(p => p.Name).Order());
        Assert.True(JsonElement.DeepEquals(stored, message), $"event {message} differs from GET {stored}");
        Assert.True(JsonElement.DeepEquals(posted, message), $"event {message} differs from POST {posted}");
        Assert.Equal(parent.Id.ToString(), message.GetProperty("reply_to").GetProperty("id").GetString());
    }

    [Fact]
    public async Task MessageEdit_ByA_ReachesB_WithIdChannelContentAndEditedAt()
    {
        var (a, _) = await UserAsync();
        var (b, bId) = await UserAsync();
        var channel = await ChannelOfAsync(a, bId);
        await using var bListener = await RealtimeListener.ConnectAsync(b);
        var message = await a.SendOpaqueAsync(channel);

        var second = OpaqueMessages.Frame();
        var edited = await a.EditOpaqueAsync(message.Id, second);

        var received = await bListener.WaitForAsync(RealtimeListener.OfType("message.edit"), "message.edit at B");
        var payload = received.GetProperty("message");
        Assert.Equal(["id", "channel_id", "content", "edited_at"], payload.EnumerateObject().Select(p => p.Name));
        Assert.Equal(message.Id.ToString(), payload.GetProperty("id").GetString());
        Assert.Equal(channel.ToString(), payload.GetProperty("channel_id").GetString());
        Assert.Equal(second, payload.GetProperty("content").GetString());
        Assert.Equal(edited.EditedAt, payload.GetProperty("edited_at").GetDateTime().ToUniversalTime());
    }

    [Fact]
    public async Task MessageDelete_ByA_ReachesB_WithMessageIdAndChannelId()
    {
        var (a, _) = await UserAsync();
        var (b, bId) = await UserAsync();
        var channel = await ChannelOfAsync(a, bId);
        await using var bListener = await RealtimeListener.ConnectAsync(b);
        var message = await a.SendOpaqueAsync(channel);

        await a.DeleteMessageAsync(message.Id);

        var received = await bListener.WaitForAsync(RealtimeListener.OfType("message.delete"), "message.delete at B");
        Assert.Equal(["type", "message_id", "channel_id"], received.EnumerateObject().Select(p => p.Name));
        Assert.Equal(message.Id.ToString(), received.GetProperty("message_id").GetString());
        Assert.Equal(channel.ToString(), received.GetProperty("channel_id").GetString());
    }

    [Fact]
    public async Task ChannelNew_AAddsConnectedB_ReachesB_AndLaterMessagesArriveWithoutReconnecting()
    {
        var (a, _) = await UserAsync();
        var (b, bId) = await UserAsync();
        await using var bListener = await RealtimeListener.ConnectAsync(b);
        var created = await a.CreateChannelAsync("e2e-" + Guid.NewGuid().ToString("N")[..8]);

        await a.AddMemberAsync(created.Id, bId);

        var received = await bListener.WaitForAsync(ChannelNew(created.Id), "channel.new at B");
        AssertChannelPayload(await GetRawAsync(a, $"/api/v1/channels/{created.Id}"), received.GetProperty("channel"));
        var message = await a.SendOpaqueAsync(created.Id);
        await bListener.WaitForAsync(MessageNew(message.Id.ToString()), "message.new at B through the group joined by the add");
    }

    [Fact]
    public async Task ChannelNew_ACreatesDmWithB_ReachesBothUsers()
    {
        var (a, _) = await UserAsync();
        var (b, bId) = await UserAsync();
        await using var aListener = await RealtimeListener.ConnectAsync(a);
        await using var bListener = await RealtimeListener.ConnectAsync(b);

        var dm = await a.CreateDmAsync(bId);

        var atB = await bListener.WaitForAsync(ChannelNew(dm.Id), "channel.new at B");
        var atA = await aListener.WaitForAsync(ChannelNew(dm.Id), "channel.new at A");
        var stored = await GetRawAsync(a, $"/api/v1/channels/{dm.Id}");
        AssertChannelPayload(stored, atB.GetProperty("channel"));
        AssertChannelPayload(stored, atA.GetProperty("channel"));
        Assert.True(atB.GetProperty("channel").GetProperty("is_dm").GetBoolean());
    }

    [Fact]
    public async Task KeysLowOtp_AFetchesBsBundleBelowTen_ReachesOnlyB_WithDeviceAndRemaining()
    {
        var (a, _) = await UserAsync();
        var (b, bId) = await UserAsync();
        var bDevice = (await b.ListDevicesAsync()).Single().Id;
        await b.UploadKeyBundleAsync(bDevice, "ik", "spk", "sig", Enumerable.Range(0, 11).Select(i => $"otp-{i}").ToList());
        await using var aListener = await RealtimeListener.ConnectAsync(a);
        await using var bListener = await RealtimeListener.ConnectAsync(b);

        await a.GetDeviceKeyBundleAsync(bDevice);
        await a.GetUserKeyBundlesAsync(bId);

        var received = await bListener.WaitForAsync(RealtimeListener.OfType("keys.low_otp"), "keys.low_otp at B");
        Assert.Equal(["type", "device_id", "remaining"], received.EnumerateObject().Select(p => p.Name));
        Assert.Equal(bDevice.ToString(), received.GetProperty("device_id").GetString());
        Assert.Equal(9, received.GetProperty("remaining").GetInt32());
        var dm = await a.CreateDmAsync(bId);
        await aListener.WaitForAsync(ChannelNew(dm.Id), "the marker event at A");
        await bListener.WaitForAsync(ChannelNew(dm.Id), "the marker event at B");
        Assert.DoesNotContain(aListener.Events, e => RealtimeListener.OfType("keys.low_otp")(e));
        Assert.Single(bListener.Events, e => RealtimeListener.OfType("keys.low_otp")(e));
    }

    [Fact]
    public async Task Typing_ByAInAChannelCreatedOverHttp_ReachesB_AndEchoesToA()
    {
        var (a, aId) = await UserAsync();
        var (b, bId) = await UserAsync();
        var channel = await ChannelOfAsync(a, bId);
        await using var aListener = await RealtimeListener.ConnectAsync(a);
        await using var bListener = await RealtimeListener.ConnectAsync(b);

        await a.SendTypingAsync(channel, "start");
        await a.SendTypingAsync(channel, "stop");

        foreach (var type in new[] { "typing.start", "typing.stop" })
        {
            var atB = await bListener.WaitForAsync(RealtimeListener.OfType(type), type + " at B");
            Assert.Equal(["type", "user_id", "channel_id"], atB.EnumerateObject().Select(p => p.Name));
            Assert.Equal(aId.ToString(), atB.GetProperty("user_id").GetString());
            Assert.Equal(channel.ToString(), atB.GetProperty("channel_id").GetString());
            await aListener.WaitForAsync(RealtimeListener.OfType(type), type + " echoed to A");
        }
    }

    [Fact]
    public async Task MessageNew_AfterBLeftTheChannel_IsNotDeliveredToB()
    {
        var (a, _) = await UserAsync();
        var (b, bId) = await UserAsync();
        var channel = await ChannelOfAsync(a, bId);
        await using var aListener = await RealtimeListener.ConnectAsync(a);
        await using var bListener = await RealtimeListener.ConnectAsync(b);
        var before = await a.SendOpaqueAsync(channel);
        await bListener.WaitForAsync(MessageNew(before.Id.ToString()), "message.new at B while a member");

        await b.LeaveChannelAsync(channel);

        await AssertNothingMoreFromChannelAsync(a, aListener, bId, bListener, channel);
    }

    [Fact]
    public async Task MessageNew_AfterBWasBanned_IsNotDeliveredToB()
    {
        var (a, _) = await UserAsync();
        var (b, bId) = await UserAsync();
        var channel = await ChannelOfAsync(a, bId);
        await using var aListener = await RealtimeListener.ConnectAsync(a);
        await using var bListener = await RealtimeListener.ConnectAsync(b);
        var before = await a.SendOpaqueAsync(channel);
        await bListener.WaitForAsync(MessageNew(before.Id.ToString()), "message.new at B before the ban");

        await (await _server.CreateSuperadminClientAsync()).BanAsync(bId, "e2e");

        // A ban also closes B's connections (issue 12 item 6), so no per-user marker can reach B.
        await Eventually.TrueAsync(async () => !await IsInGroupAsync(channel, bId), Timeout, "fanout to remove B from the channel's group");
        await Eventually.TrueAsync(() => Task.FromResult(bListener.State != Microsoft.AspNetCore.SignalR.Client.HubConnectionState.Connected),
            Timeout, "the service closing B's connection");
        var after = await a.SendOpaqueAsync(channel);
        await aListener.WaitForAsync(MessageNew(after.Id.ToString()), "message.new at A (the group send happened)");
        Assert.DoesNotContain(bListener.Events, e => MessageNew(after.Id.ToString())(e));
    }

    /// <summary>
    /// Membership changes reach the emulator asynchronously and the queue does not order events,
    /// so first wait until B's removal from the group has been applied; then A posts (A's own
    /// copy proves the group send happened), then a per-user marker to B (a DM's channel.new)
    /// proves B's connection is alive and everything sent before it has arrived.
    /// </summary>
    private async Task AssertNothingMoreFromChannelAsync(D3ChatClient a, RealtimeListener aListener, Guid bId, RealtimeListener bListener, Guid channel)
    {
        await Eventually.TrueAsync(async () => !await IsInGroupAsync(channel, bId), Timeout, "fanout to remove B from the channel's group");

        var after = await a.SendOpaqueAsync(channel);
        await aListener.WaitForAsync(MessageNew(after.Id.ToString()), "message.new at A (the group send happened)");
        var dm = await a.CreateDmAsync(bId);

        await bListener.WaitForAsync(ChannelNew(dm.Id), "the per-user marker event at B");
        Assert.DoesNotContain(bListener.Events, e => MessageNew(after.Id.ToString())(e));
    }

    private static void AssertChannelPayload(JsonElement stored, JsonElement payload)
    {
        Assert.Equal(ChannelNewFields.Order(), payload.EnumerateObject().Select(p => p.Name).Order());
        foreach (var field in ChannelNewFields)
        {
            Assert.True(JsonElement.DeepEquals(stored.GetProperty(field), payload.GetProperty(field)), $"{field}: event {payload} differs from GET {stored}");
        }
    }

    private static Func<JsonElement, bool> MessageNew(string id) => e =>
        RealtimeListener.OfType("message.new")(e) && e.GetProperty("message").GetProperty("id").GetString() == id;

    private static Func<JsonElement, bool> ChannelNew(Guid id) => e =>
        RealtimeListener.OfType("channel.new")(e) && e.GetProperty("channel").GetProperty("id").GetString() == id.ToString();

    private async Task<(D3ChatClient Client, Guid Id)> UserAsync()
    {
        var client = _server.CreateClient();
        var tokens = await client.RegisterAsync(Names.Username(), Names.Password);
        return (client, tokens.UserId);
    }

    /// <summary>A channel created by <paramref name="owner"/> over HTTP, with <paramref name="member"/> added.</summary>
    private static async Task<Guid> ChannelOfAsync(D3ChatClient owner, Guid member)
    {
        var channel = await owner.CreateChannelAsync("e2e-" + Guid.NewGuid().ToString("N")[..8]);
        await owner.AddMemberAsync(channel.Id, member);
        return channel.Id;
    }

    private static async Task<JsonElement> PostRawAsync(D3ChatClient client, Guid channel, object body)
    {
        using var response = await client.SendAsync(HttpMethod.Post, $"/api/v1/channels/{channel}/messages", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static async Task<JsonElement> GetRawAsync(D3ChatClient client, string path)
    {
        using var response = await client.SendAsync(HttpMethod.Get, path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    /// <summary>Asks the emulator (the service's existence check) whether the user is in <c>channel:{id}</c>.</summary>
    private async Task<bool> IsInGroupAsync(Guid channel, Guid user)
    {
        var endpoint = SignalREndpoint.Parse($"Endpoint={_server.Host.BaseAddress.GetLeftPart(UriPartial.Authority)};AccessKey={_server.SignalRAccessKey};Version=1.0;")!;
        var path = $"/api/v1/hubs/d3chat/groups/channel%3A{channel}/users/{user}";
        using var http = new HttpClient { BaseAddress = _server.Host.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", new SignalRTokens(endpoint, TimeProvider.System).ServerToken(endpoint.ServerUrl(path)));
        using var response = await http.SendAsync(request);
        return response.StatusCode switch
        {
            HttpStatusCode.OK => true,
            HttpStatusCode.NotFound => false,
            var other => throw new InvalidOperationException($"Emulator existence check answered {other}"),
        };
    }
}
