using Dapper;
using Npgsql;

namespace D3Chat.Core.Invites;

/// <summary>An <c>invite_codes</c> row, as the admin API returns it.</summary>
public sealed record Invite
{
    public required string Code { get; init; }
    public Guid? CreatedBy { get; init; }
    public int? MaxUses { get; init; }
    public int Uses { get; init; }
    public DateTime? ExpiresAt { get; init; }
    public DateTime CreatedAt { get; init; }
}

/// <summary>SQL of the <c>invite_codes</c> table (migration 0004).</summary>
public sealed class InviteStore(NpgsqlDataSource dataSource)
{
    private const string Columns = "code, created_by, max_uses, uses, expires_at, created_at";
    private const string InsertSql = $"""
        INSERT INTO invite_codes (code, created_by, max_uses, expires_at, created_at)
        VALUES (@Code, @CreatedBy, @MaxUses, @ExpiresAt, @CreatedAt)
        RETURNING {Columns}
        """;
    private const string ListSql = $"SELECT {Columns} FROM invite_codes ORDER BY created_at DESC, code";
    private const string DeleteSql = "DELETE FROM invite_codes WHERE code = @Code";
    // One atomic statement takes a use only while the code is unexpired and under max_uses, so
    // concurrent registrations can never overshoot.
    private const string ConsumeSql = """
        UPDATE invite_codes SET uses = uses + 1
        WHERE code = @Code AND (max_uses IS NULL OR uses < max_uses) AND (expires_at IS NULL OR expires_at > @Now)
        RETURNING code
        """;

    public Task<Invite> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Invite invite, CancellationToken ct) =>
        connection.QuerySingleAsync<Invite>(new CommandDefinition(InsertSql, invite, transaction, cancellationToken: ct));

    public async Task<IReadOnlyList<Invite>> ListAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return [.. await connection.QueryAsync<Invite>(new CommandDefinition(ListSql, cancellationToken: ct))];
    }

    /// <summary>Deletes the code; false when it did not exist.</summary>
    public async Task<bool> DeleteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string code, CancellationToken ct) =>
        await connection.ExecuteAsync(new CommandDefinition(DeleteSql, new { Code = code }, transaction, cancellationToken: ct)) == 1;

    /// <summary>Takes one use of a valid code inside the registration's transaction; false when the code is unknown, used up or expired.</summary>
    public async Task<bool> TryConsumeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string code, DateTimeOffset now, CancellationToken ct) =>
        await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(ConsumeSql, new { Code = code, Now = now }, transaction, cancellationToken: ct)) is not null;
}
