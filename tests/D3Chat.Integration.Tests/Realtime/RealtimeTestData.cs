using D3Chat.Integration.Tests.Infrastructure;
using Dapper;

namespace D3Chat.Integration.Tests.Realtime;

/// <summary>
/// Channel rows written straight to the database: the channel routes belong to another feature,
/// and these tests only need memberships to exist.
/// </summary>
public static class RealtimeTestData
{
    public static async Task<Guid> ChannelWithMembersAsync(D3ChatServer server, params Guid[] members)
    {
        var channelId = Guid.NewGuid();
        await using var dataSource = server.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("INSERT INTO channels (id, name, created_by) VALUES (@Id, @Name, @Owner)",
            new { Id = channelId, Name = "rt-" + channelId.ToString("N")[..8], Owner = members[0] });
        foreach (var member in members)
        {
            await connection.ExecuteAsync("INSERT INTO channel_members (channel_id, user_id) VALUES (@ChannelId, @UserId)",
                new { ChannelId = channelId, UserId = member });
        }
        return channelId;
    }
}
