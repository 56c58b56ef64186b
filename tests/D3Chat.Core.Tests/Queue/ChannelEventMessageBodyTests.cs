using System.Text;
using System.Text.Json;
using D3Chat.Core.Fanout;
using D3Chat.Core.Queue;
using static D3Chat.Core.Tests.Queue.ChannelEventRounds;

namespace D3Chat.Core.Tests.Queue;

public sealed class ChannelEventMessageBodyTests
{
    private const int Limit = ChannelEventReferences.StorageQueueInlineBytes;

    [Fact]
    public void Pack_RoundOfSmallEvents_IsOneArrayMessageInTheRoundsOrder()
    {
        var round = Round(40);

        var message = Assert.Single(ChannelEventMessageBody.Pack(round, Limit));

        Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(message.Body).RootElement.ValueKind);
        Assert.Equal(round.Select(e => e.Id), IdsIn(message.Body));
        Assert.Equal(round, message.Events);
    }

    [Fact]
    public void Pack_OneEvent_IsTheBareEventObjectAsBeforeTheArrays()
    {
        var channelEvent = NewEvent();

        var message = Assert.Single(ChannelEventMessageBody.Pack([channelEvent], Limit));

        Assert.Equal(channelEvent.ToJson(), message.Body);
    }

    [Fact]
    public void Pack_RoundLargerThanOneMessage_SplitsIntoMessagesWithinTheLimitKeepingEveryEventOnceInOrder()
    {
        // 10 KiB events: four fit 48 KiB, the fifth starts the next message.
        var round = Round(13, dataBytes: 10 * 1024);

        var messages = ChannelEventMessageBody.Pack(round, Limit);

        Assert.Equal([4, 4, 4, 1], messages.Select(m => m.Events.Count));
        Assert.All(messages, m => Assert.True(Encoding.UTF8.GetByteCount(m.Body) <= Limit));
        // Base64 makes it 4/3 larger, and a Storage queue message holds 64 KiB.
        Assert.All(messages, m => Assert.True(Convert.ToBase64String(Encoding.UTF8.GetBytes(m.Body)).Length <= 64 * 1024));
        Assert.Equal(round.Select(e => e.Id), messages.SelectMany(m => IdsIn(m.Body)));
    }

    [Fact]
    public void Pack_EventLargerThanTheLimit_TravelsByReferenceBesideInlineNeighbours()
    {
        var small = NewEvent();
        var huge = NewEvent(dataBytes: Limit + 1);

        var message = Assert.Single(ChannelEventMessageBody.Pack([small, huge], Limit));

        var events = ChannelEventMessageBody.Split(message.Body).Select(e => ChannelEvent.TryParse(e)!).ToList();
        Assert.Equal([small.Id, huge.Id], events.Select(e => e.Id));
        Assert.False(events[0].ByReference);
        Assert.True(events[1].ByReference);
        Assert.False(events[1].HasData);
    }

    [Fact]
    public void Pack_NoEvents_IsNoMessage()
    {
        Assert.Empty(ChannelEventMessageBody.Pack([], Limit));
    }

    [Fact]
    public void Split_SingleEventBody_IsThatBody()
    {
        var body = NewEvent().ToJson();

        Assert.Equal([body], ChannelEventMessageBody.Split(body));
    }

    [Fact]
    public void Split_ArrayBody_IsEachEventsJson()
    {
        var round = Round(3);

        var events = ChannelEventMessageBody.Split(Assert.Single(ChannelEventMessageBody.Pack(round, Limit)).Body);

        Assert.Equal(round.Select(e => e.Id), events.Select(e => ChannelEvent.TryParse(e)!.Id));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("42")]
    [InlineData("\"text\"")]
    public void Split_NeitherAnEventNorAnArrayOfThem_IsInvalid(string body)
    {
        Assert.Throws<InvalidChannelEventException>(() => ChannelEventMessageBody.Split(body));
    }
}
