using Dapper;
using Npgsql;

namespace D3Chat.Core.Realtime;

/// <summary>The channel-membership reads realtime needs (group sync at negotiate, the typing check).</summary>
public sealed class RealtimeMembershipStore(NpgsqlDataSource dataSource)
{
    private const string ChannelIdsOfUserSql = "SELECT channel_id FROM channel_members WHERE user_id = @UserId";

    private const string IsMemberSql = "SELECT EXISTS (SELECT 1 FROM channel_members WHERE channel_id = @ChannelId AND user_id = @UserId)";

    public async Task<IReadOnlyList<Guid>> ChannelIdsOfUserAsync(Guid userId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<Guid>(new CommandDefinition(ChannelIdsOfUserSql, new { UserId = userId }, cancellationToken: ct))).AsList();
    }

    public async Task<bool> IsMemberAsync(Guid channelId, Guid userId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(IsMemberSql, new { ChannelId = channelId, UserId = userId }, cancellationToken: ct));
    }
}
