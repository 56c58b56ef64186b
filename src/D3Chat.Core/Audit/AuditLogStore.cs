using System.Text.Json;
using Dapper;
using D3Chat.Core.Http;
using Npgsql;

namespace D3Chat.Core.Audit;

/// <summary>Who performed an admin mutation, and from where (for the audit row).</summary>
public sealed record AdminActor(Guid UserId, string? IpAddress);

/// <summary>One <c>audit_logs</c> row as the admin API returns it (spec §10).</summary>
public sealed record AuditLogEntry(
    Guid Id, Guid AdminUserId, string? AdminUsername, string Action, string TargetType, string TargetId,
    JsonElement? Details, string? IpAddress, DateTime? CreatedAt);

/// <summary>The audit-log page of <c>GET /admin/audit-logs</c>.</summary>
public sealed record AuditLogPage(IReadOnlyList<AuditLogEntry> Logs, long Total, int Page, int PageSize);

/// <summary>Filters of <c>GET /admin/audit-logs</c>; null = not filtered.</summary>
public sealed record AuditLogFilter(string? Action, Guid? AdminId, string? TargetType, int Page, int PageSize)
{
    public static AuditLogFilter Read(QueryParams q) =>
        new(q.String("action"), q.Uuid("admin_id"), q.String("target_type"), Admin.AdminPaging.Page(q), Admin.AdminPaging.PageSize(q));
}

/// <summary>
/// SQL of the <c>audit_logs</c> table. Rows are written only inside the transaction of the
/// admin mutation they describe, so a change and its audit row commit or roll back together.
/// </summary>
public sealed class AuditLogStore(NpgsqlDataSource dataSource)
{
    private const string InsertSql = """
        INSERT INTO audit_logs (id, admin_user_id, admin_username, action, target_type, target_id, details, ip_address, created_at)
        VALUES (@Id, @AdminUserId, (SELECT username FROM users WHERE id = @AdminUserId), @Action, @TargetType, @TargetId,
                CAST(@Details AS jsonb), @IpAddress, @CreatedAt)
        """;
    private const string Filter = """
        WHERE (CAST(@Action AS text) IS NULL OR a.action = @Action)
          AND (CAST(@AdminId AS uuid) IS NULL OR a.admin_user_id = @AdminId)
          AND (CAST(@TargetType AS text) IS NULL OR a.target_type = @TargetType)
        """;
    private const string CountSql = $"SELECT count(*) FROM audit_logs a {Filter}";
    private const string PageSql = $"""
        SELECT a.id, a.admin_user_id, COALESCE(u.username, a.admin_username) AS admin_username, a.action, a.target_type, a.target_id,
               a.details::text AS details, a.ip_address, a.created_at
        FROM audit_logs a LEFT JOIN users u ON u.id = a.admin_user_id
        {Filter}
        ORDER BY a.created_at DESC, a.id
        LIMIT @Limit OFFSET @Offset
        """;

    /// <summary>Writes the audit row of an admin mutation inside that mutation's transaction.</summary>
    public Task InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, AdminActor actor,
        string action, string targetType, string targetId, object? details, DateTimeOffset now, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(InsertSql, new
        {
            Id = Guid.NewGuid(),
            AdminUserId = actor.UserId,
            Action = action,
            TargetType = targetType,
            TargetId = targetId,
            Details = details is null ? null : JsonSerializer.Serialize(details, ApiResults.Json),
            actor.IpAddress,
            CreatedAt = now,
        }, transaction, cancellationToken: ct));

    // Admin paging is offset-based because the spec's API is page/page_size with a total; the
    // audit table is small and admin-only, unlike message history (keyset, decision 3).
    public async Task<AuditLogPage> ListAsync(AuditLogFilter filter, CancellationToken ct)
    {
        var parameters = new
        {
            filter.Action,
            filter.AdminId,
            filter.TargetType,
            Limit = filter.PageSize,
            Offset = (filter.Page - 1) * filter.PageSize,
        };
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(CountSql, parameters, cancellationToken: ct));
        var rows = await connection.QueryAsync<AuditRow>(new CommandDefinition(PageSql, parameters, cancellationToken: ct));
        return new AuditLogPage([.. rows.Select(r => r.ToEntry())], total, filter.Page, filter.PageSize);
    }

    private sealed record AuditRow
    {
        public Guid Id { get; init; }
        public Guid AdminUserId { get; init; }
        public string? AdminUsername { get; init; }
        public string Action { get; init; } = "";
        public string TargetType { get; init; } = "";
        public string TargetId { get; init; } = "";
        public string? Details { get; init; }
        public string? IpAddress { get; init; }
        public DateTime? CreatedAt { get; init; }

        public AuditLogEntry ToEntry() => new(Id, AdminUserId, AdminUsername, Action, TargetType, TargetId,
            JsonText.Parse(Details), IpAddress, CreatedAt);
    }
}

/// <summary>The spec's audit action and target-type names (api.md §10), plus D3Chat's invite actions.</summary>
internal static class AuditActions
{
    public const string BanUser = "ban_user";
    public const string UnbanUser = "unban_user";
    public const string SuspendUser = "suspend_user";
    public const string UnsuspendUser = "unsuspend_user";
    public const string PromoteUser = "promote_user";
    public const string DeleteUser = "delete_user";
    public const string DeleteChannel = "delete_channel";
    public const string UpdateSetting = "update_setting";
    public const string CreateSetting = "create_setting";
    public const string CreateInvite = "create_invite";
    public const string RevokeInvite = "revoke_invite";

    public const string TargetUser = "user";
    public const string TargetChannel = "channel";
    public const string TargetSetting = "setting";
    public const string TargetInvite = "invite";
}
