using System.Text.Json;
using D3Chat.Core.Channels;
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

    private readonly FakeMembership _members = new();

    private FanoutHandler Handler() =>
        new(_notifier, UnavailableRedis.Keyspace(), NullLogger<FanoutHandler>.Instance, new ChannelEventReferences(new NoStoredEvents()), _members);

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
        _members.Current.Add((_channel, _a));
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
        _members.Current.Add((_channel, _a));
        var channelEvent = Event("null") with { ChannelId = _channel, Membership = new MembershipChange { ChannelId = _channel, Joined = [_a] }, UserIds = [_a] };

        await Handler().HandleAsync(channelEvent.ToJson(), default);

        Assert.Equal([$"add {_a} channel:{_channel}"], _notifier.Calls);
    }

    [Fact]
    public async Task HandleAsync_JoinOfAUserWhoLeftSince_RemovesInsteadOfAdding()
    {
        var staleJoin = Event("null") with { ChannelId = _channel, Membership = new MembershipChange { ChannelId = _channel, Joined = [_a] } };

        await Handler().HandleAsync(staleJoin.ToJson(), default);

        Assert.Equal([$"remove {_a} channel:{_channel}"], _notifier.Calls);
    }

    [Fact]
    public async Task HandleAsync_LeaveOfAUserWhoRejoinedSince_KeepsThemInTheGroup()
    {
        _members.Current.Add((_channel, _a));
        var staleLeave = Event("null") with { ChannelId = _channel, Membership = new MembershipChange { ChannelId = _channel, Left = [_a] } };

        await Handler().HandleAsync(staleLeave.ToJson(), default);

        Assert.Equal([$"add {_a} channel:{_channel}"], _notifier.Calls);
    }

    [Fact]
    public async Task HandleAsync_ChannelCreatedWithManyMembers_ReadsMembershipOncePerRoundAndSyncsEveryUser()
    {
        var joined = Enumerable.Range(0, 40).Select(_ => Guid.NewGuid()).ToList();
        foreach (var user in joined.Take(39))
        {
            _members.Current.Add((_channel, user));
        }
        var created = Event("null") with { ChannelId = _channel, Membership = new MembershipChange { ChannelId = _channel, Joined = joined } };

        await Handler().HandleAsync(created.ToJson(), default);

        Assert.Equal(2, _members.Reads);
        Assert.Equal(joined.Take(39).Select(u => $"add {u} channel:{_channel}").Append($"remove {joined[39]} channel:{_channel}").Order(),
            _notifier.Calls.Order());
    }

    [Fact]
    public async Task HandleAsync_MembershipEndsWhileAdding_RemovesAgain()
    {
        _members.Current.Add((_channel, _a));
        _members.AfterFirstRead = () => _members.Current.Clear();
        var join = Event("null") with { ChannelId = _channel, Membership = new MembershipChange { ChannelId = _channel, Joined = [_a] } };

        await Handler().HandleAsync(join.ToJson(), default);

        Assert.Equal([$"add {_a} channel:{_channel}", $"remove {_a} channel:{_channel}"], _notifier.Calls);
    }

    private ChannelEvent MessageEvent(Guid channel, int n) => Event($$"""{"type":"message.new","n":{{n}}}""") with { Type = "message.new", ChannelId = channel };

    [Fact]
    public async Task HandleAllAsync_MessagesOfOneChannel_GoInOneSendInTheirOrder()
    {
        var events = Enumerable.Range(1, 3).Select(n => MessageEvent(_channel, n).ToJson()).ToList();

        await Handler().HandleAllAsync(events, default);

        Assert.Equal([$$"""group channel:{{_channel}} [{"type":"message.new","n":1},{"type":"message.new","n":2},{"type":"message.new","n":3}]"""], _notifier.Calls);
    }

    [Fact]
    public async Task HandleAllAsync_AJoinBetweenMessages_IsAppliedAfterTheOnesBeforeItAndBeforeTheOnesAfter()
    {
        _members.Current.Add((_channel, _a));
        var join = Event("""{"type":"joined"}""") with { ChannelId = _channel, Membership = new MembershipChange { ChannelId = _channel, Joined = [_a] } };

        await Handler().HandleAllAsync([MessageEvent(_channel, 1).ToJson(), MessageEvent(_channel, 2).ToJson(), join.ToJson(), MessageEvent(_channel, 3).ToJson()], default);

        Assert.Equal([
            $$"""group channel:{{_channel}} [{"type":"message.new","n":1},{"type":"message.new","n":2}]""",
            $"add {_a} channel:{_channel}",
            $$"""group channel:{{_channel}} {"type":"joined"}""",
            $$"""group channel:{{_channel}} {"type":"message.new","n":3}""",
        ], _notifier.Calls);
    }

    [Fact]
    public async Task HandleAllAsync_TwoChannels_OneSendEachWithItsOwnEvents()
    {
        var other = Guid.NewGuid();

        await Handler().HandleAllAsync([MessageEvent(_channel, 1).ToJson(), MessageEvent(other, 2).ToJson(), MessageEvent(_channel, 3).ToJson()], default);

        Assert.Equal(new[]
        {
            $$"""group channel:{{_channel}} [{"type":"message.new","n":1},{"type":"message.new","n":3}]""",
            $$"""group channel:{{other}} {"type":"message.new","n":2}""",
        }.Order(), _notifier.Calls.Order());
    }

    [Fact]
    public async Task HandleAllAsync_MoreEventsThanOneSendTakes_SplitsThemInOrder()
    {
        var events = Enumerable.Range(1, FanoutHandler.MaxEventsPerSend + 1).Select(n => MessageEvent(_channel, n).ToJson()).ToList();

        await Handler().HandleAllAsync(events, default);

        Assert.Equal(2, _notifier.Calls.Count);
        Assert.Equal(FanoutHandler.MaxEventsPerSend, JsonDocument.Parse(_notifier.Calls[0][_notifier.Calls[0].IndexOf('[')..]).RootElement.GetArrayLength());
        Assert.Equal($$"""group channel:{{_channel}} {"type":"message.new","n":{{FanoutHandler.MaxEventsPerSend + 1}}}""", _notifier.Calls[1]);
    }

    [Fact]
    public async Task HandleAllAsync_EventsLargerTogetherThanOneSendTakes_GoInSeveralSends()
    {
        var filler = new string('x', FanoutHandler.MaxBytesPerSend / 2);
        var events = Enumerable.Range(1, 3).Select(n => (Event($$"""{"n":{{n}},"filler":"{{filler}}"}""") with { ChannelId = _channel }).ToJson()).ToList();

        await Handler().HandleAllAsync(events, default);

        Assert.Equal(3, _notifier.Calls.Count);
    }

    [Fact]
    public async Task HandleAllAsync_AnInvalidBodyAmongThem_ThrowsBeforeSendingAnything()
    {
        await Assert.ThrowsAsync<InvalidChannelEventException>(() => Handler().HandleAllAsync([MessageEvent(_channel, 1).ToJson(), "nope"], default));

        Assert.Empty(_notifier.Calls);
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

/// <summary>An outbox with no rows: these tests send every event inline.</summary>
/// <summary>Membership as a set; <see cref="AfterFirstRead"/> changes it between the handler's reads.</summary>
internal sealed class FakeMembership : IChannelMembership
{
    public HashSet<(Guid Channel, Guid User)> Current { get; } = [];

    public Action? AfterFirstRead { get; set; }

    public int Reads { get; private set; }

    public Task<IReadOnlySet<Guid>> MembersAmongAsync(Guid channelId, IReadOnlyCollection<Guid> userIds, CancellationToken ct)
    {
        Reads++;
        IReadOnlySet<Guid> members = userIds.Where(u => Current.Contains((channelId, u))).ToHashSet();
        var change = AfterFirstRead;
        AfterFirstRead = null;
        change?.Invoke();
        return Task.FromResult(members);
    }
}

internal sealed class NoStoredEvents : IStoredChannelEvents
{
    public Task<ChannelEvent?> GetEventAsync(Guid id, CancellationToken ct) => Task.FromResult<ChannelEvent?>(null);
}

public sealed class ChannelEventReferencesTests
{
    private static ChannelEvent Event(int dataChars) => new()
    {
        Id = Guid.NewGuid(),
        Type = "message.new",
        ChannelId = Guid.NewGuid(),
        OccurredAt = DateTimeOffset.UnixEpoch,
        Data = JsonDocument.Parse($"{{\"filler\":\"{new string('x', dataChars)}\"}}").RootElement,
    };

    [Theory]
    [InlineData(ChannelEventReferences.StorageQueueInlineBytes)]
    [InlineData(ChannelEventReferences.ServiceBusInlineBytes)]
    public void BodyFor_EventOverTheLimit_IsASmallReferenceAndOneUnderItIsInline(int limit)
    {
        var small = Event(1000);
        var large = Event(limit);

        var inline = ChannelEvent.TryParse(ChannelEventReferences.BodyFor(small, limit))!;
        var referenceBody = ChannelEventReferences.BodyFor(large, limit);
        var reference = ChannelEvent.TryParse(referenceBody)!;

        Assert.False(inline.ByReference);
        Assert.Equal(small.ToJson(), inline.ToJson());
        Assert.True(reference.ByReference);
        Assert.Equal(large.Id, reference.Id);
        Assert.Equal(large.ChannelId, reference.ChannelId);
        Assert.False(reference.HasData);
        Assert.True(referenceBody.Length < 500);
        // Base64 of the largest inline Storage body still fits a 64 KiB queue message.
        Assert.True(ChannelEventReferences.StorageQueueInlineBytes * 4 / 3 <= 64 * 1024);
    }

    [Fact]
    public async Task ResolveAsync_ReferenceWhoseRowIsGone_IsInvalid()
    {
        var references = new ChannelEventReferences(new NoStoredEvents());
        var body = ChannelEventReferences.BodyFor(Event(100), 10);

        await Assert.ThrowsAsync<D3Chat.Core.Fanout.InvalidChannelEventException>(() => references.ResolveAsync(body, CancellationToken.None));
    }
}
