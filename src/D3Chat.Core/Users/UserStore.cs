using System.Text.Json;
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
    private const string InsertRemoteSql = """
        INSERT INTO users (id, username, server_domain, is_local, role, created_at, updated_at)
        VALUES (@Id, @Username, @Domain, false, 'user', @Now, @Now)
        ON CONFLICT (username, server_domain) DO NOTHING
        """;
    private const string InsertIfNoSuperadminSql = """
        INSERT INTO users (id, username, password_hash, server_domain, is_local, role, created_at, updated_at)
        SELECT @Id, @Username, @PasswordHash, @Domain, true, 'superadmin', @Now, @Now
        WHERE NOT EXISTS (SELECT 1 FROM users WHERE role = 'superadmin' AND is_local)
        """;
    private const string FindByIdSql = $"SELECT {Columns} FROM users WHERE id = @Id";
    private const string FindByUsernameSql = $"SELECT {Columns} FROM users WHERE username = @Username AND server_domain = @Domain";
    private const string ClearLapsedSuspensionSql = """
        UPDATE users SET is_suspended = false, suspended_until = NULL, updated_at = now()
        WHERE id = @Id AND is_suspended AND suspended_until <= @Now
        """;

    private const string UpdateProfileSql = $"""
        UPDATE users SET
            email          = CASE WHEN @SetEmail THEN @Email ELSE email END,
            username       = COALESCE(@Username, username),
            display_name   = CASE WHEN @SetDisplayName THEN @DisplayName ELSE display_name END,
            bio            = CASE WHEN @SetBio THEN @Bio ELSE bio END,
            status_message = CASE WHEN @SetStatusMessage THEN @StatusMessage ELSE status_message END,
            email_visible  = COALESCE(@EmailVisible, email_visible),
            preferences    = COALESCE(CAST(@Preferences AS jsonb), preferences),
            updated_at     = @Now
        WHERE id = @Id
        RETURNING {Columns}
        """;
    private const string SetPasswordSql = "UPDATE users SET password_hash = @Hash, updated_at = @Now WHERE id = @Id";
    private const string SetAvatarSql = $"UPDATE users SET avatar_path = @Path, updated_at = @Now WHERE id = @Id RETURNING {Columns}";
    // ILIKE with LIKE wildcards escaped, so "a_b" means the literal underscore.
    private const string SearchSql = $"""
        SELECT {Columns} FROM users
        WHERE username ILIKE '%' || @Pattern || '%' ESCAPE '\'
        ORDER BY username, server_domain
        LIMIT 20
        """;

    /// <summary>Unique-violation SQLSTATE: username already taken on that domain (<c>uq_user_domain</c>).</summary>
    public const string UniqueViolation = "23505";

    public Task InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, User user, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(InsertSql, user, transaction, cancellationToken: ct));

    /// <summary>The stub row of a remote user (no password, role user); nothing when it exists already.</summary>
    public Task InsertRemoteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string username, string domain, DateTimeOffset now, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(InsertRemoteSql, new { Id = Guid.NewGuid(), Username = username, Domain = domain, Now = now }, transaction, cancellationToken: ct));

    /// <summary>Inserts a local superadmin unless one exists; false when one did. Throws on a taken username.</summary>
    public async Task<bool> InsertFirstSuperadminAsync(string username, string passwordHash, string domain, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(InsertIfNoSuperadminSql,
            new { Id = Guid.NewGuid(), Username = username, PasswordHash = passwordHash, Domain = domain, Now = now }, cancellationToken: ct)) == 1;
    }

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

    /// <summary>Applies a partial profile update; null when the user is gone. Throws 23505 on a username clash.</summary>
    public async Task<User?> UpdateProfileAsync(Guid id, UpdateProfileRequest r, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<User>(new CommandDefinition(UpdateProfileSql, new
        {
            Id = id,
            SetEmail = r.HasEmail,
            r.Email,
            r.Username,
            SetDisplayName = r.HasDisplayName,
            r.DisplayName,
            SetBio = r.HasBio,
            r.Bio,
            SetStatusMessage = r.HasStatusMessage,
            r.StatusMessage,
            r.EmailVisible,
            Preferences = r.Preferences is { ValueKind: JsonValueKind.Object } p ? p.GetRawText() : null,
            Now = now,
        }, cancellationToken: ct));
    }

    public async Task SetPasswordHashAsync(Guid id, string hash, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(SetPasswordSql, new { Id = id, Hash = hash, Now = now }, cancellationToken: ct));
    }

    /// <summary>Sets or clears (null) the avatar blob name; returns the updated user.</summary>
    public async Task<User?> SetAvatarPathAsync(Guid id, string? path, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<User>(new CommandDefinition(SetAvatarSql, new { Id = id, Path = path, Now = now }, cancellationToken: ct));
    }

    /// <summary>Case-insensitive substring search on usernames of all users, local and remote (max 20).</summary>
    public async Task<IReadOnlyList<User>> SearchAsync(string query, CancellationToken ct)
    {
        var pattern = query.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return [.. await connection.QueryAsync<User>(new CommandDefinition(SearchSql, new { Pattern = pattern }, cancellationToken: ct))];
    }
}
