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
        preferences::text AS preferences, sessions_valid_after, created_at, updated_at
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
    // Local accounts are found by is_local, never by the configured domain, so they survive a domain or port change.
    private const string FindLocalByUsernameSql = $"SELECT {Columns} FROM users WHERE username = @Username AND is_local";
    // After a domain change, local users show the new domain (unless a remote stub already holds that name there).
    private const string AdoptDomainSql = """
        UPDATE users u SET server_domain = @Domain
        WHERE u.is_local AND u.server_domain <> @Domain
          AND NOT EXISTS (SELECT 1 FROM users o WHERE o.username = u.username AND o.server_domain = @Domain)
        """;
    private const string FindByUsernameSql = $"SELECT {Columns} FROM users WHERE username = @Username AND server_domain = @Domain";
    private const string ClearLapsedSuspensionSql = """
        UPDATE users SET is_suspended = false, suspended_until = NULL, updated_at = now()
        WHERE id = @Id AND is_suspended AND suspended_until <= @Now
        """;

    // A rename retires the old name in the same statement: peers know the user by it (issue 12 item 5).
    private const string UpdateProfileSql = $"""
        WITH old AS (SELECT username FROM users WHERE id = @Id),
        retired AS (
            INSERT INTO retired_usernames (username, retired_at)
            SELECT username, @Now FROM old WHERE CAST(@Username AS text) IS NOT NULL AND old.username <> @Username
            ON CONFLICT DO NOTHING
        )
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
    private const string IsRetiredSql = "SELECT EXISTS (SELECT 1 FROM retired_usernames WHERE username = @Username)";
    // Access tokens issued before this instant are refused by the auth gate (AuthState.SessionsValidAfter).
    private const string EndAccessTokensSql = "UPDATE users SET sessions_valid_after = @Now WHERE id = @Id";
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

    /// <summary>The local account of that name, whatever domain it was created under.</summary>
    public async Task<User?> FindLocalByUsernameAsync(string username, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<User>(new CommandDefinition(FindLocalByUsernameSql, new { Username = username }, cancellationToken: ct));
    }

    /// <summary>Moves local users to this server's current domain; returns how many moved.</summary>
    public async Task<int> AdoptDomainAsync(string domain, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(AdoptDomainSql, new { Domain = domain }, cancellationToken: ct));
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

    /// <summary>Whether the name belonged to a deleted or renamed local user (never handed out again).</summary>
    public async Task<bool> IsRetiredAsync(string username, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(IsRetiredSql, new { Username = username }, cancellationToken: ct));
    }

    /// <summary>Makes every access token of the user issued until <paramref name="now"/> fail at the gate.</summary>
    public Task EndAccessTokensAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid id, DateTimeOffset now, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(EndAccessTokensSql, new { Id = id, Now = now }, transaction, cancellationToken: ct));

    public Task SetPasswordHashAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid id, string hash, DateTimeOffset now, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(SetPasswordSql, new { Id = id, Hash = hash, Now = now }, transaction, cancellationToken: ct));

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
