namespace D3Chat.Core.Channels;

/// <summary>Whether a user is a channel member now, as PostgreSQL says; what fanout syncs SignalR groups to.</summary>
public interface IChannelMembership
{
    Task<bool> IsMemberAsync(Guid channelId, Guid userId, CancellationToken ct);
}
