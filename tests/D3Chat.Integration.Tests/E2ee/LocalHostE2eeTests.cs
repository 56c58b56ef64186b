using System.Net;
using D3Chat.Client;
using D3Chat.Client.Crypto;
using D3Chat.Client.E2ee;
using D3Chat.Integration.Tests.Infrastructure;
using D3Chat.Integration.Tests.Messaging;

namespace D3Chat.Integration.Tests.E2ee;

/// <summary>The C# encrypting client against the real server: what is stored is ciphertext, every member device reads it.</summary>
[Collection(ServerCollections.Foundation)]
public sealed class LocalHostE2eeTests(ServerFixture fixture)
{
    private readonly D3ChatServer _server = fixture.Server;

    private async Task<(E2eeDevice Alice, E2eeDevice Bob, Guid ChannelId)> ChannelAsync()
    {
        var alice = await E2eeDevice.RegisterAsync(_server);
        var bob = await E2eeDevice.RegisterAsync(_server);
        var channel = await alice.Client.CreateChannelAsync(Names.Username("ch"), isPublic: false);
        await alice.Client.AddMemberAsync(channel.Id, bob.UserId);
        return (alice, bob, channel.Id);
    }

    [Fact]
    public async Task A_group_message_is_stored_encrypted_and_every_member_device_reads_it()
    {
        var (alice, bob, channelId) = await ChannelAsync();
        var aliceLaptop = await alice.AnotherDeviceAsync(_server);
        var posted = await alice.PostAsync(channelId, "meet at noon");
        Assert.Equal(Labels.ProtocolVersion, posted.ProtocolVersion);
        Assert.Equal(alice.DeviceId, posted.SenderDeviceId);
        Assert.DoesNotContain("noon", posted.Content, StringComparison.Ordinal);
        Assert.Equal(["meet at noon"], (await bob.ReadChannelAsync(channelId)).Select(r => r.Value!.Text));
        Assert.Equal(["meet at noon"], (await aliceLaptop.ReadChannelAsync(channelId)).Select(r => r.Value!.Text));
        await bob.PostAsync(channelId, "ok");
        Assert.Equal(["meet at noon", "ok"], (await alice.ReadChannelAsync(channelId)).Select(r => r.Value!.Text));
    }

    [Fact]
    public async Task A_dm_works_both_ways()
    {
        var alice = await E2eeDevice.RegisterAsync(_server);
        var bob = await E2eeDevice.RegisterAsync(_server);
        var dm = await alice.Client.CreateDmAsync(bob.UserId);
        await alice.PostAsync(dm.Id, "hi bob");
        await bob.PostAsync(dm.Id, "hi alice");
        Assert.Equal(["hi bob", "hi alice"], (await bob.ReadChannelAsync(dm.Id)).Select(r => r.Value!.Text));
        Assert.Equal(["hi bob", "hi alice"], (await alice.ReadChannelAsync(dm.Id)).Select(r => r.Value!.Text));
    }

    [Fact]
    public async Task A_member_who_left_reads_nothing_sent_after()
    {
        var (alice, bob, channelId) = await ChannelAsync();
        var carol = await E2eeDevice.RegisterAsync(_server);
        await alice.Client.AddMemberAsync(channelId, carol.UserId);
        var before = await alice.PostAsync(channelId, "before");
        Assert.Equal("before", (await carol.DecryptAsync(before)).Value!.Text);
        await carol.Client.LeaveChannelAsync(channelId);
        await alice.E2ee.MembersChangedAsync(channelId);
        var after = await alice.PostAsync(channelId, "after");
        Assert.Equal("after", (await bob.DecryptAsync(after)).Value!.Text);
        Assert.Equal(DecryptFailureReason.UnknownChain, (await carol.DecryptAsync(after)).Reason);
    }

    [Fact]
    public async Task The_server_refuses_plaintext_in_an_encrypted_channel()
    {
        var (alice, _, channelId) = await ChannelAsync();
        await Expect.FailsAsync(() => alice.Client.SendMessageAsync(channelId, "in the clear", alice.DeviceId, protocolVersion: 1),
            HttpStatusCode.BadRequest, D3Chat.Core.Http.Problem.PlaintextRefused.Detail);
        Assert.Empty((await alice.Client.GetMessagesAsync(channelId)).Messages);
    }

    [Fact]
    public async Task The_client_refuses_to_encrypt_for_a_member_without_keys_and_posts_nothing()
    {
        var (alice, _, channelId) = await ChannelAsync();
        var keyless = _server.CreateClient();
        var tokens = await keyless.RegisterAsync(Names.Username("nokeys"), Names.Password);
        await alice.Client.AddMemberAsync(channelId, tokens.UserId);
        var error = await Assert.ThrowsAsync<EncryptionUnavailableException>(() => alice.PostAsync(channelId, "secret"));
        Assert.Equal("no_devices", error.Reason);
        Assert.Empty((await alice.Client.GetMessagesAsync(channelId)).Messages);
    }

    [Fact]
    public async Task A_file_store_carries_a_device_across_restarts()
    {
        var directory = Path.Combine(Path.GetTempPath(), "d3chat-e2ee-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (alice, _, channelId) = await ChannelAsync();
            var bobStore = new FileProtocolStore(directory);
            var bob = await E2eeDevice.RegisterAsync(_server, bobStore);
            await alice.Client.AddMemberAsync(channelId, bob.UserId);
            Assert.Equal("one", (await bob.DecryptAsync(await alice.PostAsync(channelId, "one"))).Value!.Text);
            Assert.Equal("from bob", (await alice.DecryptAsync(await bob.PostAsync(channelId, "from bob"))).Value!.Text);
            var chainBefore = (await bobStore.LoadAsync(bob.DeviceId))!.OwnChains[channelId];
            var reopened = await E2eeClient.OpenAsync(bob.UserId, bob.DeviceId, new D3ChatKeyDirectory(bob.Client), new FileProtocolStore(directory));
            var two = await alice.PostAsync(channelId, "two");
            Assert.Equal("two", (await reopened.DecryptMessageAsync(E2eeDevice.AsIncoming(two))).Value!.Text);
            // The chain's Ed25519 private key came back from the file: the same chain signs on, and alice verifies it.
            var again = await reopened.EncryptMessageAsync(channelId, new MessagePayload("bob again"));
            var posted = await bob.Client.SendMessageAsync(channelId, again.Content, again.SenderDeviceId,
                protocolVersion: again.ProtocolVersion, clientMessageId: Guid.NewGuid().ToString());
            Assert.Equal("bob again", (await alice.DecryptAsync(posted)).Value!.Text);
            var chainAfter = (await bobStore.LoadAsync(bob.DeviceId))!.OwnChains[channelId];
            Assert.Equal(chainBefore.ChainId, chainAfter.ChainId);
            Assert.Equal(chainBefore.Signing.PublicKey, chainAfter.Signing.PublicKey);
            Assert.Equal([bob.DeviceId + ".json"], Directory.GetFiles(directory).Select(Path.GetFileName));

            // A version 1 file (P-256 ECDSA chains) opens with its keys and sessions, its chains dropped.
            var path = Path.Combine(directory, bob.DeviceId + ".json");
            var json = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(path))!;
            json["version"] = 1;
            json["ownChains"]![channelId.ToString()]!["signing"] = Convert.ToBase64String(EcKeyPair.Generate().Pkcs8);
            await File.WriteAllTextAsync(path, json.ToJsonString());
            var migrated = (await bobStore.LoadAsync(bob.DeviceId))!;
            Assert.Equal((ProtocolState.CurrentVersion, 0, 0), (migrated.Version, migrated.OwnChains.Count, migrated.ReceivedChains.Count));
            Assert.NotNull(migrated.Keys);

            await reopened.WipeAsync();
            Assert.Empty(Directory.GetFiles(directory));
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }
}
