using Dapper;
using Npgsql;

namespace D3Chat.Core.Admin;

/// <summary>Admin reads and deletes on <c>channels</c>, plus the dashboard aggregates (spec api.md §10).</summary>
public sealed class AdminChannelStore(NpgsqlDataSource dataSource)
{
    private const string ChannelColumns = """
        c.id, c.name, COALESCE(c.is_dm, false) AS is_dm, COALESCE(c.is_federated, false) AS is_federated,
        c.encryption_type, c.created_by, c.created_at,
        (SELECT count(*) FROM channel_members m WHERE m.channel_id = c.id) AS member_count,
        (SELECT count(*) FROM messages g WHERE g.channel_id = c.id) AS message_count
        """;
    private const string Filter = """
        WHERE (CAST(@Search AS text) IS NULL OR c.name ILIKE @Search ESCAPE '\')
          AND (CAST(@Type AS text) IS NULL OR (@Type = 'dm' AND c.is_dm) OR (@Type = 'channel' AND NOT COALESCE(c.is_dm, false)))
        """;
    private const string CountSql = $"SELECT count(*) FROM channels c {Filter}";
    private const string PageSql = $"SELECT {ChannelColumns} FROM channels c {Filter} ORDER BY c.created_at DESC, c.id LIMIT @Limit OFFSET @Offset";
    private const string GetSql = $"SELECT {ChannelColumns} FROM channels c WHERE c.id = @Id";
    private const string MembersSql = """
        SELECT m.user_id, m.role, u.username FROM channel_members m JOIN users u ON u.id = m.user_id
        WHERE m.channel_id = @Id ORDER BY m.joined_at, m.user_id
        """;
    // Messages, members, attachments and sender keys go with the channel (ON DELETE CASCADE).
    private const string DeleteSql = "DELETE FROM channels WHERE id = @Id RETURNING name";
    private const string StatsSql = """
        SELECT (SELECT count(*) FROM users WHERE is_local) AS total_users,
               (SELECT count(DISTINCT sender_id) FROM messages WHERE created_at >= @DayStart AND sender_id IS NOT NULL) AS active_users_today,
               (SELECT count(*) FROM messages) AS total_messages,
               (SELECT count(*) FROM channels) AS total_channels
        """;
    // One row per UTC day, oldest first, computed live (the reference's unused analytics_daily table is dropped, 0012).
    private const string AnalyticsSql = """
        SELECT to_char(d.day, 'YYYY-MM-DD') AS date,
               (SELECT count(*) FROM users u WHERE u.is_local AND u.created_at >= d.day AND u.created_at < d.day + interval '1 day') AS new_users,
               (SELECT count(DISTINCT g.sender_id) FROM messages g WHERE g.created_at >= d.day AND g.created_at < d.day + interval '1 day') AS active_users,
               (SELECT count(*) FROM messages g WHERE g.created_at >= d.day AND g.created_at < d.day + interval '1 day') AS new_messages,
               (SELECT count(*) FROM channels c WHERE c.created_at >= d.day AND c.created_at < d.day + interval '1 day') AS new_channels
        FROM generate_series(CAST(@First AS timestamptz), CAST(@Last AS timestamptz), interval '1 day') AS d(day)
        ORDER BY d.day
        """;

    public async Task<AdminChannelPage> ListAsync(AdminChannelFilter filter, CancellationToken ct)
    {
        var parameters = new
        {
            Search = AdminPaging.LikePattern(filter.Search),
            Type = filter.Type is "dm" or "channel" ? filter.Type : null,
            Limit = filter.PageSize,
            Offset = (filter.Page - 1) * filter.PageSize,
        };
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(CountSql, parameters, cancellationToken: ct));
        var channels = await connection.QueryAsync<AdminChannel>(new CommandDefinition(PageSql, parameters, cancellationToken: ct));
        return new AdminChannelPage([.. channels], total, filter.Page, filter.PageSize);
    }

    public async Task<AdminChannelDetail?> GetAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var channel = await connection.QuerySingleOrDefaultAsync<AdminChannelDetail>(new CommandDefinition(GetSql, new { Id = id }, cancellationToken: ct));
        if (channel is null)
        {
            return null;
        }
        var members = await connection.QueryAsync<AdminChannelMember>(new CommandDefinition(MembersSql, new { Id = id }, cancellationToken: ct));
        return channel with { Members = [.. members] };
    }

    /// <summary>Deletes the channel; returns (true, its name) or (false, null) when it did not exist.</summary>
    public async Task<(bool Deleted, string? Name)> DeleteAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, CancellationToken ct)
    {
        var rows = (await c.QueryAsync<string?>(new CommandDefinition(DeleteSql, new { Id = id }, tx, cancellationToken: ct))).ToList();
        return rows.Count == 0 ? (false, null) : (true, rows[0]);
    }

    public async Task<DashboardStats> StatsAsync(DateTimeOffset dayStart, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleAsync<DashboardStats>(new CommandDefinition(StatsSql, new { DayStart = dayStart }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<DailyAnalytics>> AnalyticsAsync(DateTimeOffset firstDay, DateTimeOffset lastDay, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return [.. await connection.QueryAsync<DailyAnalytics>(new CommandDefinition(AnalyticsSql, new { First = firstDay, Last = lastDay }, cancellationToken: ct))];
    }
}
