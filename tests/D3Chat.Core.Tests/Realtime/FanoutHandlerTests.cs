using System.Text.Json;
using D3Chat.Core.Fanout;
using D3Chat.Core.Queue;
using D3Chat.Core.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;

namespace D3Chat.Core.Tests.Realtime;

public sealed class FanoutHandlerTests
{
    private readonly RecordingNotifier _notifier = new();
    private readonly Guid _channel = Guid.NewGuid();
    private readonly Guid _a = Guid.NewGuid();
    private readonly Guid _b = Guid.NewGuid();

    private FanoutHandler Handler() => new(_notifier, UnavailableRedis.Create(), NullLogger<FanoutHandler>.Instance);

    private static ChannelEvent Event(string data) => new()
    {
        Id = Guid.NewGuid(),
        Type = "channel.new",
        OccurredAt = DateTimeOffset.UnixEpoch,
        Data = JsonDocument.Parse(data).RootElement,
    };

    [Fact]
    public async Task HandleAsync_JoinsAndLeaves_ChangeGroupMembershipBeforeDelivering()
    {
        var channelEvent = Event("""{"type":"x"}""") with { ChannelId = _channel, Membership = new MembershipChange { ChannelId = _channel, Joined = [_a], Left = [_b] }, UserIds = [_b] };

        await Handler().HandleAsync(channelEvent.ToJson(), default);

        Assert.Equal([
            $"add {_a} channel:{_channel}",
            $"remove {_b} channel:{_channel}",
            $"group channel:{_channel} {{\"type\":\"x\"}}",
            $"user {_b} {{\"type\":\"x\"}}",
        ], _notifier.Calls);
    }

    [Fact]
    public async Task HandleAsync_LeavesWithoutChannel_RemoveTheUsersFromAllGroupsAndCloseTheirConnections()
    {
        var channelEvent = Event("null") with { Membership = new MembershipChange { ChannelId = null, Left = [_a] } };

        await Handler().HandleAsync(channelEvent.ToJson(), default);

        Assert.Equal([$"remove-all {_a}", $"close {_a}"], _notifier.Calls);
    }

    [Fact]
    public async Task HandleAsync_NullData_OnlyChangesMembership()
    {
        var channelEvent = Event("null") with { ChannelId = _channel, Membership = new MembershipChange { ChannelId = _channel, Joined = [_a] }, UserIds = [_a] };

        await Handler().HandleAsync(channelEvent.ToJson(), default);

        Assert.Equal([$"add {_a} channel:{_channel}"], _notifier.Calls);
    }

    [Fact]
    public async Task HandleAsync_InvalidMessage_ThrowsSoItIsPoisoned() =>
        await Assert.ThrowsAsync<InvalidChannelEventException>(() => Handler().HandleAsync("nope", default));

    [Fact]
    public void ChannelEvent_MembershipOnly_UsesSnakeCaseNamesAndRoundTripsWithoutData()
    {
        var channelEvent = Event("null") with { Membership = new MembershipChange { ChannelId = null, Left = [_b] } };

        var json = channelEvent.ToJson();
        var parsed = ChannelEvent.TryParse(json)!;

        Assert.Contains("\"membership\":{\"channel_id\":null", json, StringComparison.Ordinal);
        Assert.Null(parsed.Membership!.ChannelId);
        Assert.Equal([_b], parsed.Membership.Left);
        Assert.False(parsed.HasData);
    }
}
