using Dapper;
using D3Chat.Core.Users;
using Npgsql;

namespace D3Chat.Core.Admin;

/// <summary>Admin reads and moderation writes on <c>users</c> (spec api.md §10).</summary>
public sealed class AdminUserStore(NpgsqlDataSource dataSource)
{
    private const string AdminColumns = """
        id, username, email, server_domain, COALESCE(is_local, true) AS is_local, role, is_banned, is_suspended,
        suspended_until, ban_reason, created_at
        """;
    private const string Filter = """
        WHERE is_local
          AND (CAST(@Search AS text) IS NULL OR username ILIKE @Search ESCAPE '\')
          AND (CAST(@Role AS text) IS NULL OR role = @Role)
          AND (CAST(@Status AS text) IS NULL
               OR (@Status = 'banned' AND is_banned)
               OR (@Status = 'suspended' AND is_suspended)
               OR (@Status = 'active' AND NOT is_banned AND NOT is_suspended))
        """;
    private const string CountSql = $"SELECT count(*) FROM users {Filter}";
    private const string PageSql = $"SELECT {AdminColumns} FROM users {Filter} ORDER BY created_at DESC, id LIMIT @Limit OFFSET @Offset";
    private const string DetailSql = $"""
        SELECT {AdminColumns},
            (SELECT count(*) FROM devices d WHERE d.user_id = u.id) AS device_count,
            (SELECT count(*) FROM sessions s WHERE s.user_id = u.id) AS session_count,
            (SELECT count(*) FROM channel_members m WHERE m.user_id = u.id) AS channel_count,
            (SELECT count(*) FROM messages g WHERE g.sender_id = u.id) AS message_count
        FROM users u WHERE u.id = @Id
        """;
    // Moderation decisions are taken on a locked row, so two admins acting at once serialise.
    private const string LockSql = "SELECT id, username, server_domain, role FROM users WHERE id = @Id FOR UPDATE";
    private const string BanSql = $"UPDATE users SET is_banned = true, ban_reason = @Reason, updated_at = @Now WHERE id = @Id RETURNING {AdminColumns}";
    private const string UnbanSql = $"UPDATE users SET is_banned = false, ban_reason = NULL, updated_at = @Now WHERE id = @Id RETURNING {AdminColumns}";
    private const string SuspendSql = $"UPDATE users SET is_suspended = true, suspended_until = @Until, updated_at = @Now WHERE id = @Id RETURNING {AdminColumns}";
    private const string UnsuspendSql = $"UPDATE users SET is_suspended = false, suspended_until = NULL, updated_at = @Now WHERE id = @Id RETURNING {AdminColumns}";
    private const string SetRoleSql = $"UPDATE users SET role = @Role, updated_at = @Now WHERE id = @Id RETURNING {AdminColumns}";
    // The FKs below have no ON DELETE action in the reference schema, so deleting such a user fails.
    private const string BlockersSql = """
        SELECT EXISTS (SELECT 1 FROM channels WHERE created_by = @Id) AS owns_channels,
               EXISTS (SELECT 1 FROM audit_logs WHERE admin_user_id = @Id) AS has_audit_rows
        """;
    // Who last edited a setting is bookkeeping, not history (the audit log is), so it may be forgotten.
    private const string ForgetSettingsEditorSql = "UPDATE server_settings SET updated_by = NULL WHERE updated_by = @Id";
    private const string DeleteSql = "DELETE FROM users WHERE id = @Id RETURNING avatar_path";

    public async Task<AdminUserPage> ListAsync(AdminUserFilter filter, CancellationToken ct)
    {
        var parameters = new
        {
            Search = AdminPaging.LikePattern(filter.Search),
            filter.Role,
            Status = filter.Status is "banned" or "suspended" or "active" ? filter.Status : null,
            Limit = filter.PageSize,
            Offset = (filter.Page - 1) * filter.PageSize,
        };
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(CountSql, parameters, cancellationToken: ct));
        var users = await connection.QueryAsync<AdminUser>(new CommandDefinition(PageSql, parameters, cancellationToken: ct));
        return new AdminUserPage([.. users], total, filter.Page, filter.PageSize);
    }

    public async Task<AdminUserDetail?> GetAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<AdminUserDetail>(new CommandDefinition(DetailSql, new { Id = id }, cancellationToken: ct));
    }

    /// <summary>Locks the target row for the rest of the transaction; null when there is no such user.</summary>
    public Task<LockedUser?> LockAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<LockedUser>(new CommandDefinition(LockSql, new { Id = id }, tx, cancellationToken: ct));

    public Task<AdminUser> BanAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, string? reason, DateTimeOffset now, CancellationToken ct) =>
        c.QuerySingleAsync<AdminUser>(new CommandDefinition(BanSql, new { Id = id, Reason = reason, Now = now }, tx, cancellationToken: ct));

    public Task<AdminUser> UnbanAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, DateTimeOffset now, CancellationToken ct) =>
        c.QuerySingleAsync<AdminUser>(new CommandDefinition(UnbanSql, new { Id = id, Now = now }, tx, cancellationToken: ct));

    public Task<AdminUser> SuspendAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, DateTimeOffset until, DateTimeOffset now, CancellationToken ct) =>
        c.QuerySingleAsync<AdminUser>(new CommandDefinition(SuspendSql, new { Id = id, Until = until, Now = now }, tx, cancellationToken: ct));

    public Task<AdminUser> UnsuspendAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, DateTimeOffset now, CancellationToken ct) =>
        c.QuerySingleAsync<AdminUser>(new CommandDefinition(UnsuspendSql, new { Id = id, Now = now }, tx, cancellationToken: ct));

    public Task<AdminUser> SetRoleAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, string role, DateTimeOffset now, CancellationToken ct) =>
        c.QuerySingleAsync<AdminUser>(new CommandDefinition(SetRoleSql, new { Id = id, Role = role, Now = now }, tx, cancellationToken: ct));

    /// <summary>What would make deleting the user fail on a foreign key.</summary>
    public Task<DeleteBlockers> BlockersAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, CancellationToken ct) =>
        c.QuerySingleAsync<DeleteBlockers>(new CommandDefinition(BlockersSql, new { Id = id }, tx, cancellationToken: ct));

    /// <summary>Deletes the user (devices, sessions, memberships cascade; messages keep a null sender); returns the avatar blob name.</summary>
    public async Task<string?> DeleteAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, CancellationToken ct)
    {
        await c.ExecuteAsync(new CommandDefinition(ForgetSettingsEditorSql, new { Id = id }, tx, cancellationToken: ct));
        return await c.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(DeleteSql, new { Id = id }, tx, cancellationToken: ct));
    }
}

/// <summary>The fields of a locked target that the moderation rules look at.</summary>
public sealed record LockedUser
{
    public Guid Id { get; init; }
    public string Username { get; init; } = "";
    public string ServerDomain { get; init; } = "";
    public string Role { get; init; } = Roles.User;
}

public sealed record DeleteBlockers
{
    public bool OwnsChannels { get; init; }
    public bool HasAuditRows { get; init; }
}
