namespace D3Chat.Core.Channels;

/// <summary>Channel membership now, as PostgreSQL says; what fanout syncs SignalR groups to.</summary>
public interface IChannelMembership
{
    /// <summary>The users among <paramref name="userIds"/> who are members of the channel now, in one query however many they are.</summary>
    Task<IReadOnlySet<Guid>> MembersAmongAsync(Guid channelId, IReadOnlyCollection<Guid> userIds, CancellationToken ct);
}
