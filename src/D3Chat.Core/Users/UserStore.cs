using Dapper;
using Npgsql;

namespace D3Chat.Core.Users;

/// <summary>SQL of the <c>users</c> table.</summary>
public sealed class UserStore(NpgsqlDataSource dataSource)
{
    private const string Columns = """
        id, username, email, password_hash, server_domain, is_local, role, is_banned, is_suspended,
        suspended_until, ban_reason, display_name, avatar_path, bio, status_message, email_visible,
        preferences::text AS preferences, created_at, updated_at
        """;
    private const string InsertSql = """
        INSERT INTO users (id, username, email, password_hash, server_domain, is_local, role, display_name, created_at, updated_at)
        VALUES (@Id, @Username, @Email, @PasswordHash, @ServerDomain, @IsLocal, @Role, @DisplayName, @CreatedAt, @CreatedAt)
        """;
    private const string FindByIdSql = $"SELECT {Columns} FROM users WHERE id = @Id";
    private const string FindByUsernameSql = $"SELECT {Columns} FROM users WHERE username = @Username AND server_domain = @Domain";
    private const string ClearLapsedSuspensionSql = """
        UPDATE users SET is_suspended = false, suspended_until = NULL, updated_at = now()
        WHERE id = @Id AND is_suspended AND suspended_until <= @Now
        """;

    /// <summary>Unique-violation SQLSTATE: username already taken on that domain (<c>uq_user_domain</c>).</summary>
    public const string UniqueViolation = "23505";

    public Task InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, User user, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(InsertSql, user, transaction, cancellationToken: ct));

    public async Task<User?> FindByIdAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<User>(new CommandDefinition(FindByIdSql, new { Id = id }, cancellationToken: ct));
    }

    public async Task<User?> FindByUsernameAsync(string username, string domain, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<User>(new CommandDefinition(
            FindByUsernameSql, new { Username = username, Domain = domain }, cancellationToken: ct));
    }

    /// <summary>Clears a suspension whose end has passed (spec: auto-cleared at the next login).</summary>
    public async Task ClearLapsedSuspensionAsync(Guid id, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(ClearLapsedSuspensionSql, new { Id = id, Now = now }, cancellationToken: ct));
    }
}
