using System.Text.Json;
using D3Chat.Core.Federation;
using D3Chat.Core.Queue;

namespace D3Chat.Core.Tests.Federation;

/// <summary>
/// The relay's rows for several channel events handled together (<see cref="RelayHandler.HandleAllAsync"/>):
/// in order, stamped with their own event's time, and the sender locks of one enqueue taken in one order.
/// </summary>
public sealed class RelayRowsTests
{
    private static readonly Guid Channel = Guid.Parse("00000000-0000-0000-0000-00000000000c");

    [Fact]
    public void RowsFor_OneRowPerEventAndDestination_InMappingOrder_StampedWithTheChannelEventsTime()
    {
        var at = new DateTimeOffset(2026, 12, 4, 23, 0, 0, TimeSpan.Zero);
        var join = new SenderJoin(Channel, "alice", "member-1", "{}");
        var outbound = new List<OutboundEvent>
        {
            new("msg-1", FederationEventTypes.MessageRelay, "{\"n\":1}", ["b.example", "c.example"], join),
            new("msg-2", FederationEventTypes.MessageRelay, "{\"n\":2}", ["b.example"]),
        };

        var rows = RelayHandler.RowsFor(Event(at), outbound).ToList();

        Assert.Equal([("msg-1", "b.example"), ("msg-1", "c.example"), ("msg-2", "b.example")], rows.Select(r => (r.EventId, r.Destination)));
        Assert.All(rows, r => Assert.Equal(at, r.OccurredAt));
        Assert.Equal([join, join, null], rows.Select(r => r.SenderJoin));
    }

    [Fact]
    public void SenderJoinLockOrder_EachKeyOnce_InOrdinalOrder_WhateverTheRowOrder()
    {
        var other = Guid.Parse("00000000-0000-0000-0000-00000000000a");
        DeliveryRow Row(Guid channel, string sender, string destination) =>
            new($"msg-{sender}", destination, FederationEventTypes.MessageRelay, "{}", null, new SenderJoin(channel, sender, $"member-{sender}", "{}"));
        var rows = new[]
        {
            Row(Channel, "bob", "b.example"),
            Row(Channel, "Alice", "b.example"),
            Row(Channel, "bob", "b.example"),
            Row(other, "zed", "c.example"),
            new DeliveryRow("leave-1", "b.example", FederationEventTypes.ChannelLeave, "{}"),
            Row(Channel, "alice", "a.example"),
        };

        var forward = DeliveryStore.SenderJoinLockOrder(rows);
        var backward = DeliveryStore.SenderJoinLockOrder(rows.Reverse());

        Assert.Equal([(other, "zed", "c.example"), (Channel, "Alice", "b.example"), (Channel, "alice", "a.example"), (Channel, "bob", "b.example")], forward);
        Assert.Equal(forward, backward);
    }

    private static ChannelEvent Event(DateTimeOffset at) => new()
    {
        Id = Guid.NewGuid(),
        Type = "message.new",
        ChannelId = Channel,
        OccurredAt = at,
        Data = JsonDocument.Parse("{}").RootElement,
    };
}
