using System.Text.Json;
using D3Chat.Core.Channels;
using D3Chat.Core.Federation;
using D3Chat.Core.Messages;
using D3Chat.Core.Queue;
using D3Chat.Core.Realtime;

namespace D3Chat.Core.Tests.Realtime;

/// <summary>
/// Issue 15 item 3: an event caused on a peer reaches clients with exactly the keys of the same event
/// caused locally, because both paths build it from the one catalog.
/// </summary>
public sealed class RealtimeEventCatalogTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid ChannelId = Guid.NewGuid();

    [Fact]
    public void MessageNew_LocalAndInbound_HaveIdenticalKeys()
    {
        var local = RealtimeEvents.MessageNew(new MessageResponse(Guid.NewGuid(), ChannelId, Guid.NewGuid(), Guid.NewGuid(), "frame", "text", 3,
            Guid.NewGuid(), new ReplySnippet(Guid.NewGuid(), Guid.NewGuid(), "quoted", "text", 3), [], Now.UtcDateTime, Now.UtcDateTime), Now);
        var inbound = InboundEvents.MessageNew(new RemoteMessage(Guid.NewGuid(), ChannelId, Guid.NewGuid(), Guid.NewGuid(), "frame", "text", 3,
            "peer.example", "origin-id", Now));

        AssertSameShape(local, inbound, "message.new");
    }

    [Fact]
    public void MessageEditAndDelete_LocalAndInbound_HaveIdenticalKeys()
    {
        var id = Guid.NewGuid();

        AssertSameShape(RealtimeEvents.MessageEdit(id, ChannelId, "new", Now), InboundEvents.MessageEdit(id, ChannelId, "new", Now), "message.edit");
        AssertSameShape(RealtimeEvents.MessageDelete(id, ChannelId, Now), InboundEvents.MessageDelete(id, ChannelId, Now), "message.delete");
    }

    [Fact]
    public void ChannelNew_LocalAndInbound_HaveIdenticalKeysAndJoinTheRecipients()
    {
        var user = Guid.NewGuid();
        var local = RealtimeEvents.ChannelNew(new ChannelResponse(ChannelId, "general", false, false, "sender_keys", user, Now.UtcDateTime, true),
            [user], new MembershipChange { ChannelId = ChannelId, Joined = [user] }, Now);
        var inbound = InboundEvents.ChannelNew(new FederatedChannel(ChannelId, "general", false, true, null, null, Now.UtcDateTime), user, Now);

        AssertSameShape(local, inbound, "channel.new");
        Assert.Equal([user], inbound.UserIds);
        Assert.Equal([user], inbound.Membership!.Joined);
    }

    [Fact]
    public void SenderKeyNew_LocalAndInbound_HaveIdenticalKeys() =>
        AssertSameShape(RealtimeEvents.SenderKeyNew(ChannelId, Guid.NewGuid(), "alice", "here.example", Now),
            InboundEvents.SenderKeyNew(ChannelId, Guid.NewGuid(), "bob", "peer.example", Now), "sender_key.new");

    private static void AssertSameShape(ChannelEvent local, ChannelEvent inbound, string type)
    {
        Assert.Equal(type, local.Type);
        Assert.Equal(type, inbound.Type);
        Assert.Equal(type, local.Data.GetProperty("type").GetString());
        Assert.Equal(Keys(local.Data), Keys(inbound.Data));
        Assert.Equal(local.ChannelId is null, inbound.ChannelId is null);
    }

    /// <summary>Every key path of the object, e.g. <c>message.reply_to</c> (values, including nulls, are ignored).</summary>
    private static SortedSet<string> Keys(JsonElement element, string prefix = "")
    {
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        if (element.ValueKind != JsonValueKind.Object)
        {
            return keys;
        }
        foreach (var property in element.EnumerateObject())
        {
            var path = prefix + property.Name;
            keys.Add(path);
            // A reply quote is an object locally and null when the inbound copy has none: compare the top level only.
            if (property.Name != "reply_to")
            {
                keys.UnionWith(Keys(property.Value, path + "."));
            }
        }
        return keys;
    }
}
