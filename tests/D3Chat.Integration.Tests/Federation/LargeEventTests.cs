using D3Chat.Client;
using D3Chat.Integration.Tests.Infrastructure;
using D3Chat.Integration.Tests.Realtime;
using MessageFrame = D3Chat.Core.Messages.MessageFrame;
using MessageLimits = D3Chat.Core.Messages.MessageLimits;

namespace D3Chat.Integration.Tests.Federation;

/// <summary>Issue 13 item 1: an event far larger than any queue message is delivered by reference, to clients and to the peer.</summary>
public sealed class LargeEventTests : TwoPeerTest
{
    // The largest message the API accepts: a frame whose base64 is exactly MessageLimits.MaxContentChars.
    // With a reply to an equally large message the message.new event is ~320 KB: over Storage
    // Queues' 64 KiB and Service Bus Standard's 256 KiB; relayed, each message still fits the peer's 1 MiB body limit.
    private const int LargeCiphertext = MessageLimits.MaxContentChars / 4 * 3 - (MessageFrame.MinLength - 16);

    [Fact]
    public async Task LargeMessageWithLargeReply_IsDeliveredToARealtimeClientAndStoredOnThePeer()
    {
        var alice = A.CreateClient();
        await alice.RegisterAsync(Names.Username("alice"), Names.Password);
        var carol = A.CreateClient();
        var carolId = (await carol.RegisterAsync(Names.Username("carol"), Names.Password)).UserId;
        var bob = B.CreateClient();
        var bobName = Names.Username("bob");
        await bob.RegisterAsync(bobName, Names.Password);
        var channel = await alice.CreateChannelAsync("large", isPublic: false);
        await alice.AddMemberAsync(channel.Id, carolId);
        await alice.AddMemberAsync(channel.Id, (await alice.LookupUserAsync($"{bobName}@{TwoServerTests.Domain(B)}")).Id);
        await Eventually.TrueAsync(async () => (await bob.ListChannelsAsync()).Any(c => c.Id == channel.Id), TimeSpan.FromSeconds(30), "B to materialise the channel");
        await using var carolListener = await RealtimeListener.ConnectAsync(carol);

        var parent = await alice.SendOpaqueAsync(channel.Id, content: OpaqueMessages.Frame(LargeCiphertext));
        var reply = await alice.SendOpaqueAsync(channel.Id, replyToId: parent.Id, content: OpaqueMessages.Frame(LargeCiphertext));

        var delivered = await carolListener.WaitForAsync(
            e => RealtimeListener.OfType("message.new")(e) && e.GetProperty("message").GetProperty("id").GetGuid() == reply.Id, "the large reply at a realtime client");
        Assert.Equal(reply.Content, delivered.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal(parent.Content, delivered.GetProperty("message").GetProperty("reply_to").GetProperty("content").GetString());
        // The peer stores relayed messages under its own ids and, as in the reference protocol, without
        // the reply link (docs/protocol/federation.md); what must arrive whole is each ciphertext.
        await Eventually.TrueAsync(async () => (await bob.GetMessagesAsync(channel.Id)).Messages.Count == 2,
            TimeSpan.FromSeconds(30), "both large messages relayed to B");
        Assert.Equal(new[] { parent.Content, reply.Content }.Order(), (await bob.GetMessagesAsync(channel.Id)).Messages.Select(m => m.Content).Order());
    }
}
