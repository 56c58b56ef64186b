using System.Text.Json;
using D3Chat.Core.Queue;

namespace D3Chat.Core.Tests.Queue;

public sealed class ChannelEventTests
{
    [Fact]
    public void ToJson_ThenTryParse_RoundTripsEveryField()
    {
        var original = new ChannelEvent
        {
            Id = Guid.NewGuid(),
            Type = "message.new",
            ChannelId = Guid.NewGuid(),
            UserIds = [Guid.NewGuid()],
            OccurredAt = new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero),
            Data = JsonDocument.Parse("""{"type":"message.new","message":{"content":"opaque"}}""").RootElement,
        };

        var parsed = ChannelEvent.TryParse(original.ToJson());

        Assert.NotNull(parsed);
        Assert.Equal(original.Id, parsed.Id);
        Assert.Equal(original.Type, parsed.Type);
        Assert.Equal(original.ChannelId, parsed.ChannelId);
        Assert.Equal(original.UserIds, parsed.UserIds);
        Assert.Equal(original.OccurredAt, parsed.OccurredAt);
        Assert.Equal(original.Data.GetRawText(), parsed.Data.GetRawText());
    }

    [Fact]
    public void ToJson_ThenTryParse_RoundTripsTheMembershipRouting()
    {
        var (channel, joined, left) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var original = new ChannelEvent
        {
            Id = Guid.NewGuid(),
            Type = "channel.new",
            UserIds = [joined],
            Membership = new MembershipChange { ChannelId = channel, Joined = [joined], Left = [left] },
            OccurredAt = DateTimeOffset.UnixEpoch,
            Data = JsonDocument.Parse("""{"type":"channel.new"}""").RootElement,
        };

        var parsed = ChannelEvent.TryParse(original.ToJson());

        Assert.Equal(channel, parsed!.Membership!.ChannelId);
        Assert.Equal([joined], parsed.Membership.Joined);
        Assert.Equal([left], parsed.Membership.Left);
        Assert.Contains("\"membership\":{\"channel_id\"", original.ToJson(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{}")]
    [InlineData("""{"id":"00000000-0000-0000-0000-000000000000","type":"x","occurred_at":"2026-01-01T00:00:00Z","data":{}}""")]
    [InlineData("""{"id":"9f1c1c1e-8c41-4a55-a4a5-0b7b0f1b8a11","type":"","occurred_at":"2026-01-01T00:00:00Z","data":{}}""")]
    public void TryParse_InvalidMessage_ReturnsNull(string body) =>
        Assert.Null(ChannelEvent.TryParse(body));
}
