using D3Chat.Client;
using D3Chat.Client.Crypto;
using D3Chat.Integration.Tests.Infrastructure;

namespace D3Chat.Integration.Tests.E2ee;

/// <summary>
/// Issue 10 "Must show" 2: the C# client and the TypeScript module (in Node) talk through a real LocalHost, in both
/// directions, in DMs and groups, with out-of-order and duplicated delivery, a member who leaves, a device added later,
/// and a server that relabels or replays messages. Every decrypt that is not asserted to fail must succeed.
/// </summary>
[Collection(ServerCollections.Foundation)]
public sealed class CrossImplementationTests(ServerFixture fixture) : IAsyncLifetime
{
    private readonly D3ChatServer _server = fixture.Server;
    private TypeScriptPeer _peer = null!;

    public Task InitializeAsync()
    {
        _peer = TypeScriptPeer.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _peer.DisposeAsync();

    /// <summary>A device driven by the TypeScript module; the test posts and fetches for it with its own token.</summary>
    private sealed record TsDevice(string Name, string Username, D3ChatClient Client, TokenResponse Tokens)
    {
        public Guid UserId => Tokens.UserId;
        public Guid DeviceId => Tokens.DeviceId;
    }

    private async Task<TsDevice> RegisterTsAsync(string name)
    {
        var client = _server.CreateClient();
        var username = Names.Username("ts");
        var tokens = await client.RegisterAsync(username, Names.Password);
        await _peer.OpenAsync(name, client, tokens);
        return new TsDevice(name, username, client, tokens);
    }

    private async Task<TsDevice> AnotherTsDeviceAsync(TsDevice of, string name)
    {
        var client = _server.CreateClient();
        var tokens = await client.LoginAsync(of.Username, Names.Password);
        await _peer.OpenAsync(name, client, tokens);
        return new TsDevice(name, of.Username, client, tokens);
    }

    private async Task<MessageResponse> PostFromTsAsync(TsDevice device, Guid channelId, string text)
    {
        var (content, protocolVersion, senderDeviceId) = await _peer.EncryptAsync(device.Name, channelId, text);
        Assert.Equal(device.DeviceId, senderDeviceId);
        return await device.Client.SendMessageAsync(channelId, content, senderDeviceId, protocolVersion: protocolVersion, clientMessageId: Guid.NewGuid().ToString());
    }

    private async Task<string> TsReadsAsync(TsDevice device, MessageResponse message)
    {
        var result = await _peer.DecryptAsync(device.Name, message);
        Assert.True(result.Ok, $"TypeScript {device.Name} could not decrypt: {result.Reason}");
        return result.Text!;
    }

    private static async Task<string> CsReadsAsync(E2eeDevice device, MessageResponse message)
    {
        var result = await device.DecryptAsync(message);
        Assert.True(result.Ok, $"C# device could not decrypt: {result}");
        return result.Value!.Text;
    }

    /// <summary>The message as another member fetches it from the server (what is stored, not what was posted).</summary>
    private static async Task<MessageResponse> FetchedAsync(D3ChatClient reader, MessageResponse posted)
    {
        var page = await reader.GetMessagesAsync(posted.ChannelId, limit: 100);
        return Assert.Single(page.Messages, m => m.Id == posted.Id);
    }

    [Fact]
    public async Task Dm_both_ways_with_out_of_order_and_duplicated_delivery()
    {
        var alice = await E2eeDevice.RegisterAsync(_server);
        var bob = await RegisterTsAsync("bob");
        var dm = await alice.Client.CreateDmAsync(bob.UserId);

        var fromAlice = new List<MessageResponse>();
        for (var i = 0; i < 4; i++)
        {
            fromAlice.Add(await FetchedAsync(bob.Client, await alice.PostAsync(dm.Id, $"c#-{i}")));
        }
        Assert.Equal("c#-2", await TsReadsAsync(bob, fromAlice[2]));
        Assert.Equal("c#-0", await TsReadsAsync(bob, fromAlice[0]));
        Assert.Equal("duplicate", (await _peer.DecryptAsync(bob.Name, fromAlice[2])).Reason);
        Assert.Equal("c#-3", await TsReadsAsync(bob, fromAlice[3]));
        Assert.Equal("c#-1", await TsReadsAsync(bob, fromAlice[1]));

        var fromBob = new List<MessageResponse>();
        for (var i = 0; i < 4; i++)
        {
            fromBob.Add(await FetchedAsync(alice.Client, await PostFromTsAsync(bob, dm.Id, $"ts-{i}")));
        }
        Assert.Equal("ts-3", await CsReadsAsync(alice, fromBob[3]));
        Assert.Equal("ts-1", await CsReadsAsync(alice, fromBob[1]));
        Assert.Equal(DecryptFailureReason.Duplicate, (await alice.DecryptAsync(fromBob[1])).Reason);
        Assert.Equal("ts-0", await CsReadsAsync(alice, fromBob[0]));
        Assert.Equal("ts-2", await CsReadsAsync(alice, fromBob[2]));

        var (aliceDigits, _) = (await alice.E2ee.SafetyNumberAsync(bob.UserId)) switch { var s => (s.Digits, s.Changed) };
        Assert.Equal(aliceDigits, (await _peer.SafetyNumberAsync(bob.Name, alice.UserId)).Digits);
    }

    [Fact]
    public async Task Group_messages_both_ways_between_several_devices_of_each_implementation()
    {
        var alice = await E2eeDevice.RegisterAsync(_server);
        var aliceLaptop = await alice.AnotherDeviceAsync(_server);
        var bob = await RegisterTsAsync("g-bob");
        var bobTablet = await AnotherTsDeviceAsync(bob, "g-bob-tablet");
        var carol = await E2eeDevice.RegisterAsync(_server);
        var channel = await alice.Client.CreateChannelAsync(Names.Username("grp"), isPublic: false);
        await alice.Client.AddMemberAsync(channel.Id, bob.UserId);
        await alice.Client.AddMemberAsync(channel.Id, carol.UserId);

        var fromAlice = await alice.PostAsync(channel.Id, "hello from C#");
        Assert.Equal("hello from C#", await TsReadsAsync(bob, await FetchedAsync(bob.Client, fromAlice)));
        Assert.Equal("hello from C#", await TsReadsAsync(bobTablet, await FetchedAsync(bobTablet.Client, fromAlice)));
        Assert.Equal("hello from C#", await CsReadsAsync(carol, await FetchedAsync(carol.Client, fromAlice)));
        Assert.Equal("hello from C#", await CsReadsAsync(aliceLaptop, await FetchedAsync(aliceLaptop.Client, fromAlice)));

        var fromBob = await PostFromTsAsync(bob, channel.Id, "hello from TypeScript");
        Assert.Equal("hello from TypeScript", await CsReadsAsync(alice, await FetchedAsync(alice.Client, fromBob)));
        Assert.Equal("hello from TypeScript", await CsReadsAsync(aliceLaptop, await FetchedAsync(aliceLaptop.Client, fromBob)));
        Assert.Equal("hello from TypeScript", await CsReadsAsync(carol, await FetchedAsync(carol.Client, fromBob)));
        Assert.Equal("hello from TypeScript", await TsReadsAsync(bobTablet, await FetchedAsync(bobTablet.Client, fromBob)));

        var fromTablet = await PostFromTsAsync(bobTablet, channel.Id, "tablet");
        var fromLaptop = await aliceLaptop.PostAsync(channel.Id, "laptop");
        Assert.Equal("tablet", await CsReadsAsync(alice, await FetchedAsync(alice.Client, fromTablet)));
        Assert.Equal("laptop", await TsReadsAsync(bob, await FetchedAsync(bob.Client, fromLaptop)));
        Assert.Equal("laptop", await TsReadsAsync(bobTablet, await FetchedAsync(bobTablet.Client, fromLaptop)));
    }

    [Fact]
    public async Task A_member_who_leaves_cannot_read_anything_sent_after_by_either_implementation()
    {
        var alice = await E2eeDevice.RegisterAsync(_server);
        var bob = await RegisterTsAsync("l-bob");
        var carol = await RegisterTsAsync("l-carol");
        var dave = await E2eeDevice.RegisterAsync(_server);
        var channel = await alice.Client.CreateChannelAsync(Names.Username("leave"), isPublic: false);
        foreach (var member in new[] { bob.UserId, carol.UserId, dave.UserId })
        {
            await alice.Client.AddMemberAsync(channel.Id, member);
        }
        Assert.Equal("before", await TsReadsAsync(carol, await FetchedAsync(carol.Client, await alice.PostAsync(channel.Id, "before"))));
        Assert.Equal("ts before", await CsReadsAsync(dave, await FetchedAsync(dave.Client, await PostFromTsAsync(bob, channel.Id, "ts before"))));
        Assert.Equal("ts before", await TsReadsAsync(carol, await FetchedAsync(carol.Client, await PostFromTsAsync(bob, channel.Id, "ts before"))));

        // Carol (TypeScript) leaves; Dave (C#) is removed. Both implementations rotate and neither reader gets the new chains.
        var carolSawAlice = await alice.PostAsync(channel.Id, "still there");
        var carolCopy = await FetchedAsync(carol.Client, carolSawAlice);
        await carol.Client.LeaveChannelAsync(channel.Id);
        await alice.E2ee.MembersChangedAsync(channel.Id);
        await _peer.MembersChangedAsync(bob.Name, channel.Id);
        var afterFromCs = await alice.PostAsync(channel.Id, "after, from C#");
        var afterFromTs = await PostFromTsAsync(bob, channel.Id, "after, from TypeScript");
        Assert.Equal("after, from C#", await TsReadsAsync(bob, await FetchedAsync(bob.Client, afterFromCs)));
        Assert.Equal("after, from TypeScript", await CsReadsAsync(alice, await FetchedAsync(alice.Client, afterFromTs)));
        Assert.Equal("after, from C#", await CsReadsAsync(dave, await FetchedAsync(dave.Client, afterFromCs)));
        // The server no longer serves Carol the channel; even a copy of the stored message does not open for her.
        Assert.Equal("unknown_chain", (await _peer.DecryptAsync(carol.Name, carolCopy with { Id = afterFromCs.Id, Content = afterFromCs.Content, SenderDeviceId = afterFromCs.SenderDeviceId })).Reason);
        Assert.Equal("unknown_chain", (await _peer.DecryptAsync(carol.Name, carolCopy with { Id = afterFromTs.Id, Content = afterFromTs.Content, SenderId = bob.UserId, SenderDeviceId = bob.DeviceId })).Reason);
    }

    [Fact]
    public async Task A_device_added_later_reads_what_comes_after_it_and_nothing_before()
    {
        var alice = await E2eeDevice.RegisterAsync(_server);
        var bob = await RegisterTsAsync("a-bob");
        var channel = await alice.Client.CreateChannelAsync(Names.Username("add"), isPublic: false);
        await alice.Client.AddMemberAsync(channel.Id, bob.UserId);
        var earlyFromCs = await alice.PostAsync(channel.Id, "early C#");
        var earlyFromTs = await PostFromTsAsync(bob, channel.Id, "early TypeScript");
        Assert.Equal("early C#", await TsReadsAsync(bob, await FetchedAsync(bob.Client, earlyFromCs)));
        Assert.Equal("early TypeScript", await CsReadsAsync(alice, await FetchedAsync(alice.Client, earlyFromTs)));

        var bobPhone = await AnotherTsDeviceAsync(bob, "a-bob-phone");
        var alicePhone = await alice.AnotherDeviceAsync(_server);
        var lateFromCs = await alice.PostAsync(channel.Id, "late C#");
        var lateFromTs = await PostFromTsAsync(bob, channel.Id, "late TypeScript");
        Assert.Equal("late C#", await TsReadsAsync(bobPhone, await FetchedAsync(bobPhone.Client, lateFromCs)));
        Assert.Equal("late TypeScript", await CsReadsAsync(alicePhone, await FetchedAsync(alicePhone.Client, lateFromTs)));
        Assert.Equal("before_device_joined", (await _peer.DecryptAsync(bobPhone.Name, await FetchedAsync(bobPhone.Client, earlyFromCs))).Reason);
        Assert.Equal(DecryptFailureReason.BeforeDeviceJoined, (await alicePhone.DecryptAsync(await FetchedAsync(alicePhone.Client, earlyFromTs))).Reason);
        Assert.Equal("late C#", await TsReadsAsync(bob, await FetchedAsync(bob.Client, lateFromCs)));
        Assert.Equal("late TypeScript", await CsReadsAsync(alice, await FetchedAsync(alice.Client, lateFromTs)));
    }

    [Fact]
    public async Task A_server_that_relabels_the_sender_device_or_replays_into_another_channel_is_detected()
    {
        var alice = await E2eeDevice.RegisterAsync(_server);
        var aliceOther = await alice.AnotherDeviceAsync(_server);
        var bob = await RegisterTsAsync("s-bob");
        var bobOther = await AnotherTsDeviceAsync(bob, "s-bob-other");
        var first = await alice.Client.CreateChannelAsync(Names.Username("one"), isPublic: false);
        var second = await alice.Client.CreateChannelAsync(Names.Username("two"), isPublic: false);
        await alice.Client.AddMemberAsync(first.Id, bob.UserId);
        await alice.Client.AddMemberAsync(second.Id, bob.UserId);
        Assert.Equal("opens second", await TsReadsAsync(bob, await FetchedAsync(bob.Client, await alice.PostAsync(second.Id, "opens second"))));
        Assert.Equal("opens second too", await CsReadsAsync(alice, await FetchedAsync(alice.Client, await PostFromTsAsync(bob, second.Id, "opens second too"))));

        var fromCs = await alice.PostAsync(first.Id, "C# original");
        var fromTs = await PostFromTsAsync(bob, first.Id, "TypeScript original");

        // The "server" stores the same ciphertext under the sender's other device, and in another channel.
        var relabelledCs = await alice.Client.SendMessageAsync(first.Id, fromCs.Content, aliceOther.DeviceId, protocolVersion: 3);
        var replayedCs = await alice.Client.SendMessageAsync(second.Id, fromCs.Content, alice.DeviceId, protocolVersion: 3);
        var relabelledTs = await bob.Client.SendMessageAsync(first.Id, fromTs.Content, bobOther.DeviceId, protocolVersion: 3);
        var replayedTs = await bob.Client.SendMessageAsync(second.Id, fromTs.Content, bob.DeviceId, protocolVersion: 3);

        Assert.Equal("wrong_sender", (await _peer.DecryptAsync(bob.Name, await FetchedAsync(bob.Client, relabelledCs))).Reason);
        Assert.Equal("wrong_channel", (await _peer.DecryptAsync(bob.Name, await FetchedAsync(bob.Client, replayedCs))).Reason);
        Assert.Equal(DecryptFailureReason.WrongSender, (await alice.DecryptAsync(await FetchedAsync(alice.Client, relabelledTs))).Reason);
        Assert.Equal(DecryptFailureReason.WrongChannel, (await alice.DecryptAsync(await FetchedAsync(alice.Client, replayedTs))).Reason);
        Assert.Equal("C# original", await TsReadsAsync(bob, await FetchedAsync(bob.Client, fromCs)));
        Assert.Equal("TypeScript original", await CsReadsAsync(alice, await FetchedAsync(alice.Client, fromTs)));
    }
}
