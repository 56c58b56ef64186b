using Dapper;
using Npgsql;

namespace D3Chat.Core.Auth;

/// <summary>A refresh-token session. Only the SHA-256 of the token is ever stored.</summary>
internal sealed record Session
{
    public required Guid Id { get; init; }
    public required Guid UserId { get; init; }
    public Guid? DeviceId { get; init; }
    public required string RefreshTokenHash { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
}

/// <summary>A rotated-away refresh token: when it was retired, its sealed successor, and its (live) session.</summary>
internal sealed record RetiredToken(DateTimeOffset RetiredAt, byte[]? SuccessorSealed, Session Session);

/// <summary>SQL of the <c>sessions</c> table.</summary>
public sealed class SessionStore(NpgsqlDataSource dataSource)
{
    private const string InsertSql = """
        INSERT INTO sessions (id, user_id, device_id, refresh_token_hash, expires_at)
        VALUES (@Id, @UserId, @DeviceId, @RefreshTokenHash, @ExpiresAt)
        """;
    // Rotation is a compare-and-swap on the old hash, so two refreshes racing with the same token
    // cannot both succeed. The old hash is remembered in the same statement, for reuse detection.
    private const string RotateSql = """
        WITH rotated AS (
            UPDATE sessions SET refresh_token_hash = @NewHash, expires_at = @ExpiresAt
            WHERE refresh_token_hash = @OldHash AND expires_at > @Now
            RETURNING id, user_id, device_id, refresh_token_hash, expires_at
        ), retired AS (
            INSERT INTO retired_refresh_tokens (token_hash, session_id, retired_at, successor_sealed)
            SELECT @OldHash, id, @Now, @SuccessorSealed FROM rotated
            ON CONFLICT (token_hash) DO NOTHING
        )
        SELECT id, user_id, device_id, refresh_token_hash, expires_at FROM rotated
        """;
    // A retired token presented again: revoke the session it belonged to (its retired hashes go with it).
    private const string RevokeByRetiredHashSql = """
        DELETE FROM sessions WHERE id = (SELECT session_id FROM retired_refresh_tokens WHERE token_hash = @Hash)
        RETURNING id
        """;
    // A retired token presented again: its live session and, if still sealed there, its successor.
    private const string RetiredSql = """
        SELECT r.retired_at, r.successor_sealed, s.id, s.user_id, s.device_id, s.refresh_token_hash, s.expires_at
        FROM retired_refresh_tokens r JOIN sessions s ON s.id = r.session_id
        WHERE r.token_hash = @Hash AND s.expires_at > @Now
        """;
    private const string LiveSessionUserSql = "SELECT user_id FROM sessions WHERE refresh_token_hash = @Hash AND expires_at > @Now";
    private const string DeleteOthersForUserSql = "DELETE FROM sessions WHERE user_id = @UserId AND id IS DISTINCT FROM @KeepId";
    private const string DeleteByHashSql = "DELETE FROM sessions WHERE refresh_token_hash = @Hash";
    private const string DeleteAllForUserSql = "DELETE FROM sessions WHERE user_id = @UserId";
    // Retired refresh tokens go with their session (ON DELETE CASCADE): past expiry neither can be used.
    private const string DeleteExpiredSql = "DELETE FROM sessions WHERE expires_at < @Now";

    internal Task InsertAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Session session, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(InsertSql, session, transaction, cancellationToken: ct));

    /// <summary>Swaps the token of the live session holding <paramref name="oldHash"/>; null when there is none.</summary>
    internal async Task<Session?> RotateAsync(string oldHash, string newHash, byte[] successorSealed, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Session>(new CommandDefinition(
            RotateSql, new { OldHash = oldHash, NewHash = newHash, SuccessorSealed = successorSealed, ExpiresAt = expiresAt, Now = now }, cancellationToken: ct));
    }

    /// <summary>The user of the live session holding <paramref name="hash"/>; null when there is none.</summary>
    public async Task<Guid?> FindLiveUserAsync(string hash, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(LiveSessionUserSql, new { Hash = hash, Now = now }, cancellationToken: ct));
    }

    /// <summary>The retired token's row with its live session; null when the hash is unknown or the session gone.</summary>
    internal async Task<RetiredToken?> FindRetiredAsync(string hash, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<RetiredRow>(new CommandDefinition(RetiredSql, new { Hash = hash, Now = now }, cancellationToken: ct));
        return row is null ? null : new RetiredToken(
            new DateTimeOffset(DateTime.SpecifyKind(row.RetiredAt, DateTimeKind.Utc)), row.SuccessorSealed,
            new Session { Id = row.Id, UserId = row.UserId, DeviceId = row.DeviceId, RefreshTokenHash = row.RefreshTokenHash, ExpiresAt = row.ExpiresAt });
    }

    /// <summary>Deletes every session of the user except <paramref name="keepId"/> (null: all).</summary>
    public Task DeleteOthersForUserAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid userId, Guid? keepId, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(DeleteOthersForUserSql, new { UserId = userId, KeepId = keepId }, transaction, cancellationToken: ct));

    private sealed class RetiredRow
    {
        public DateTime RetiredAt { get; init; }
        public byte[]? SuccessorSealed { get; init; }
        public Guid Id { get; init; }
        public Guid UserId { get; init; }
        public Guid? DeviceId { get; init; }
        public string RefreshTokenHash { get; init; } = "";
        public DateTimeOffset ExpiresAt { get; init; }
    }

    /// <summary>
    /// Revokes the session that once held the retired token <paramref name="hash"/>; returns its id,
    /// or null when the hash was never a rotated-away token of a live session.
    /// </summary>
    public async Task<Guid?> RevokeByRetiredHashAsync(string hash, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(RevokeByRetiredHashSql, new { Hash = hash }, cancellationToken: ct));
    }

    public async Task DeleteByHashAsync(string hash, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(DeleteByHashSql, new { Hash = hash }, cancellationToken: ct));
    }

    public async Task DeleteAllForUserAsync(Guid userId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await DeleteAllForUserAsync(connection, null, userId, ct);
    }

    public Task DeleteAllForUserAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid userId, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(DeleteAllForUserSql, new { UserId = userId }, transaction, cancellationToken: ct));

    /// <summary>Deletes sessions (and their retired refresh tokens) that expired before <paramref name="now"/>; returns sessions deleted.</summary>
    public async Task<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(DeleteExpiredSql, new { Now = now }, cancellationToken: ct));
    }
}
