using System.Text.Json;
using D3Chat.Client;
using D3Chat.Integration.Tests.Infrastructure;
using D3Chat.Integration.Tests.Messaging;

namespace D3Chat.Integration.Tests.Realtime;

/// <summary>
/// The key events clients act on, over SignalR: <c>sender_key.new</c> when a member's device posts
/// envelopes (recipients fetch theirs), and <c>device.update</c> when a user's device publishes keys
/// or is removed (members of each of the user's channels refresh device lists and rotate chains).
/// </summary>
[Collection(ServerCollections.Realtime)]
public sealed class KeyEventDeliveryTests(ServerFixture fixture)
{
    private readonly D3ChatServer _server = fixture.Server;

    private static Func<JsonElement, bool> DeviceUpdate(Guid deviceId, bool removed) => e =>
        RealtimeListener.OfType("device.update")(e) && e.GetProperty("device_id").GetGuid() == deviceId && e.GetProperty("removed").GetBoolean() == removed;

    [Fact]
    public async Task SenderKeyUpload_ReachesTheRecipientAsSenderKeyNew_ThenItFetchesItsEnvelope()
    {
        var alice = await TestUser.NewAsync(_server);
        var bob = await TestUser.NewAsync(_server);
        var channel = await alice.Client.CreateChannelAsync("chains");
        await alice.Client.AddMemberAsync(channel.Id, bob.Id);
        await using var bobListener = await RealtimeListener.ConnectAsync(bob.Client);

        await alice.Client.UploadSenderKeyAsync(channel.Id, alice.DeviceId, "chain-1", [new SenderKeyEnvelope(bob.DeviceId, "for-bob")]);

        var notice = await bobListener.WaitForAsync(e => RealtimeListener.OfType("sender_key.new")(e)
            && e.GetProperty("device_id").GetGuid() == alice.DeviceId, "sender_key.new at bob");
        Assert.Equal(channel.Id, notice.GetProperty("channel_id").GetGuid());
        Assert.Equal("for-bob", Assert.Single(await bob.Client.GetSenderKeysAsync(channel.Id, bob.DeviceId)).Envelope);
    }

    [Fact]
    public async Task KeyUploadAndDeviceRemoval_ReachChannelMembers()
    {
        var alice = await TestUser.NewAsync(_server);
        var bob = await TestUser.NewAsync(_server);
        var channel = await alice.Client.CreateChannelAsync("devices");
        await alice.Client.AddMemberAsync(channel.Id, bob.Id);
        await using var bobListener = await RealtimeListener.ConnectAsync(bob.Client);
        var laptop = await alice.Client.CreateDeviceAsync("laptop");

        await alice.Client.UploadKeyBundleAsync(laptop.Id, "ik", "spk", "sig");
        var added = await bobListener.WaitForAsync(DeviceUpdate(laptop.Id, removed: false), "device.update (keys) at bob");
        await alice.Client.DeleteDeviceAsync(laptop.Id);
        await bobListener.WaitForAsync(DeviceUpdate(laptop.Id, removed: true), "device.update (removed) at bob");

        Assert.Equal(["channel_id", "device_id", "removed", "type", "user_id"], added.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(channel.Id, added.GetProperty("channel_id").GetGuid());
        Assert.Equal(alice.Id, added.GetProperty("user_id").GetGuid());
    }

    [Fact]
    public async Task KeyUpload_WritesOneEventPerChannelOfTheUser()
    {
        var alice = await TestUser.NewAsync(_server);
        var first = await alice.Client.CreateChannelAsync("one");
        var second = await alice.Client.CreateChannelAsync("two");

        await alice.Client.UploadKeyBundleAsync(alice.DeviceId, "ik", "spk", "sig");

        var events = await Outbox.EventsAsync(_server, "payload->>'type' = 'device.update' AND payload->'data'->>'device_id'", alice.DeviceId.ToString());
        Assert.Equal(new[] { first.Id, second.Id }.Order(), events.Select(e => e.GetProperty("channel_id").GetGuid()).Order());
    }
}
