using System.Text.Json;
using D3Chat.Core.Queue;

namespace D3Chat.Core.Tests.Queue;

public sealed class QueueNamesTests
{
    private static readonly QueueNames Names = new("fanout-q", "federation-q");

    private static ChannelEvent Event(bool skipFederation) => new()
    {
        Id = Guid.NewGuid(),
        Type = "message.new",
        ChannelId = Guid.NewGuid(),
        OccurredAt = DateTimeOffset.UnixEpoch,
        Data = JsonDocument.Parse("""{"type":"message.new"}""").RootElement,
        SkipFederation = skipFederation,
    };

    [Fact]
    public void For_AnEventOfAChannelWithRemoteMembers_IsEveryQueue() =>
        Assert.Equal(["fanout-q", "federation-q"], Names.For(Event(skipFederation: false)));

    [Fact]
    public void For_AnEventThatSkipsFederation_IsOnlyTheFanoutQueue() =>
        Assert.Equal(["fanout-q"], Names.For(Event(skipFederation: true)));

    [Fact]
    public void SkipFederation_IsNotStored_SoASweepRepublishGoesToEveryQueue()
    {
        var parsed = ChannelEvent.TryParse(Event(skipFederation: true).ToJson());

        Assert.NotNull(parsed);
        Assert.False(parsed.SkipFederation);
    }
}
