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
    // Moderation decisions are taken on locked rows: the actor, the target and every local superadmin,
    // locked in id order by one statement (so concurrent moderations serialise without deadlocks).
    // The actor's role and the superadmins are re-read under the lock, never taken from a cache, so
    // two superadmins demoting or banning each other at once cannot both succeed.
    private const string LockSql = """
        SELECT id, username, server_domain, COALESCE(is_local, true) AS is_local, role, is_banned, is_suspended, suspended_until FROM users
        WHERE id = @ActorId OR id = @TargetId OR (is_local AND role = 'superadmin')
        ORDER BY id FOR UPDATE
        """;
    private const string BanSql = $"UPDATE users SET is_banned = true, ban_reason = @Reason, updated_at = @Now WHERE id = @Id RETURNING {AdminColumns}";
    private const string UnbanSql = $"UPDATE users SET is_banned = false, ban_reason = NULL, updated_at = @Now WHERE id = @Id RETURNING {AdminColumns}";
    private const string SuspendSql = $"UPDATE users SET is_suspended = true, suspended_until = @Until, updated_at = @Now WHERE id = @Id RETURNING {AdminColumns}";
    private const string UnsuspendSql = $"UPDATE users SET is_suspended = false, suspended_until = NULL, updated_at = @Now WHERE id = @Id RETURNING {AdminColumns}";
    private const string SetRoleSql = $"UPDATE users SET role = @Role, updated_at = @Now WHERE id = @Id RETURNING {AdminColumns}";
    // Peers know local users by name, so the name of a deleted local user is never handed out again.
    private const string RetireUsernameSql = "INSERT INTO retired_usernames (username, retired_at) VALUES (@Username, @Now) ON CONFLICT DO NOTHING";
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

    /// <summary>Locks the actor, the target and every local superadmin for the rest of the transaction.</summary>
    internal async Task<ModerationLock> LockAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid actorId, Guid targetId, CancellationToken ct)
    {
        var rows = (await c.QueryAsync<LockedUser>(new CommandDefinition(
            LockSql, new { ActorId = actorId, TargetId = targetId }, tx, cancellationToken: ct))).ToList();
        return new ModerationLock(rows.Find(r => r.Id == actorId), rows.Find(r => r.Id == targetId), rows);
    }

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

    /// <summary>
    /// Deletes the user (devices, sessions, memberships, keys cascade; channels, messages, attachments,
    /// settings keep a null creator, sender or editor; audit rows keep id and name) and retires a local
    /// user's name; returns the avatar blob name.
    /// </summary>
    internal async Task<string?> DeleteAsync(NpgsqlConnection c, NpgsqlTransaction tx, LockedUser target, DateTimeOffset now, CancellationToken ct)
    {
        if (target.IsLocal)
        {
            await c.ExecuteAsync(new CommandDefinition(RetireUsernameSql, new { target.Username, Now = now }, tx, cancellationToken: ct));
        }
        return await c.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(DeleteSql, new { target.Id }, tx, cancellationToken: ct));
    }
}

/// <summary>The fields of a locked target that the moderation rules look at.</summary>
internal sealed record LockedUser
{
    public Guid Id { get; init; }
    public string Username { get; init; } = "";
    public string ServerDomain { get; init; } = "";
    public bool IsLocal { get; init; } = true;
    public string Role { get; init; } = Roles.User;
    public bool IsBanned { get; init; }
    public bool IsSuspended { get; init; }
    public DateTime? SuspendedUntil { get; init; }

    /// <summary>Whether the account can act now: not banned and not in a running suspension.</summary>
    public bool IsUsable(DateTimeOffset now) =>
        !IsBanned && !(IsSuspended && SuspendedUntil is { } until && DateTime.SpecifyKind(until, DateTimeKind.Utc) > now.UtcDateTime);
}

/// <summary>The rows a moderation decision locked: its actor, its target and every local superadmin.</summary>
internal sealed record ModerationLock(LockedUser? Actor, LockedUser? Target, IReadOnlyList<LockedUser> Locked)
{
    public bool ActorIsAdmin(DateTimeOffset now) => Actor is { } a && Roles.IsAdmin(a.Role) && a.IsUsable(now);

    public bool ActorIsSuperadmin(DateTimeOffset now) => Actor is { Role: Roles.Superadmin } a && a.IsUsable(now);

    /// <summary>Usable superadmins other than the target: who would be left if the target lost the role or access.</summary>
    public int OtherUsableSuperadmins(DateTimeOffset now) =>
        Locked.Count(u => u.Role == Roles.Superadmin && u.Id != Target?.Id && u.IsUsable(now));
}
