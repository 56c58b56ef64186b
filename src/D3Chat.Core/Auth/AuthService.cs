using System.Text.Json;
using D3Chat.Core.Devices;
using D3Chat.Core.Hosting;
using D3Chat.Core.Http;
using D3Chat.Core.Settings;
using D3Chat.Core.Users;
using D3Chat.Core.Invites;
using D3Chat.Core.Channels;
using D3Chat.Core.Outbox;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace D3Chat.Core.Auth;

/// <summary>Registration, login and the refresh-token session lifecycle (spec api.md §3).</summary>
public sealed partial class AuthService(
    NpgsqlDataSource dataSource,
    UserStore users,
    DeviceStore devices,
    SessionStore sessions,
    SettingsStore settings,
    PasswordHasher hasher,
    AccessTokens accessTokens,
    IOptions<AuthOptions> authOptions,
    IOptions<ServerOptions> server,
    InviteStore invites,
    AuthStateCache authStates,
    LoginThrottle throttle,
    OutboxUnitOfWork unitOfWork,
    ILogger<AuthService> logger,
    TimeProvider time)
{
    public async Task<Outcome<TokenResponse>> RegisterAsync(RegisterRequest request, CancellationToken ct)
    {
        var (refused, inviteRequired) = await CheckRegistrationPolicyAsync(request, ct);
        if (refused is not null)
        {
            return refused;
        }
        if (await users.IsRetiredAsync(request.Username!, ct))
        {
            // Peers know a deleted or renamed user by this name: it is never given to someone else.
            return Problem.UsernameTaken;
        }
        var now = time.GetUtcNow();
        var user = new User
        {
            Id = Guid.NewGuid(),
            Username = request.Username!,
            Email = request.Email,
            PasswordHash = hasher.Hash(request.Password!),
            ServerDomain = server.Value.Domain,
            DisplayName = request.DisplayName,
            CreatedAt = now.UtcDateTime,
        };
        var device = NewDevice(user.Id, request.DeviceName, now);
        var (session, refreshToken) = NewSession(user.Id, device.Id, now, await SessionLifetimeAsync(ct));
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // The invite use is taken in the same transaction as the user row: a failed registration
        // (e.g. username taken) rolls it back, and max_uses cannot be exceeded by racing requests.
        if (inviteRequired && !await invites.TryConsumeAsync(connection, tx, request.InviteCode!, now, ct))
        {
            return Problem.RegistrationInviteOnly;
        }
        try
        {
            await users.InsertAsync(connection, tx, user, ct);
        }
        catch (PostgresException ex) when (ex.SqlState == UserStore.UniqueViolation)
        {
            return Problem.UsernameTaken;
        }
        await devices.InsertAsync(connection, tx, device, ct);
        await sessions.InsertAsync(connection, tx, session, ct);
        await tx.CommitAsync(ct);
        return Tokens(user.Id, device.Id, session.Id, refreshToken);
    }

    /// <param name="clientAddress">Where the attempt comes from, for the failed-login slowing (<see cref="LoginThrottle"/>).</param>
    public async Task<Outcome<TokenResponse>> LoginAsync(LoginRequest request, string clientAddress, CancellationToken ct)
    {
        if (await throttle.PausedAsync(request.Username!, clientAddress) is { } paused)
        {
            return paused;
        }
        var user = await users.FindLocalByUsernameAsync(request.Username!, ct);
        // An unknown name costs one Argon2 verification too, so timing does not tell which names exist.
        if (!PasswordHasher.Verify(request.Password!, user?.PasswordHash ?? DummyHash()) || user is null)
        {
            await throttle.RecordFailureAsync(request.Username!, clientAddress);
            return Problem.InvalidCredentials;
        }
        await throttle.RecordSuccessAsync(request.Username!, clientAddress);
        var now = time.GetUtcNow();
        if (AuthGate.Standing(user, now) is { } problem)
        {
            return problem;
        }
        if (user.IsSuspended)
        {
            await users.ClearLapsedSuspensionAsync(user.Id, now, ct);
        }
        // The reference creates a new device for every login (device-per-login).
        var device = NewDevice(user.Id, request.DeviceName, now);
        var (session, refreshToken) = NewSession(user.Id, device.Id, now, await SessionLifetimeAsync(ct));
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await devices.InsertAsync(connection, tx, device, ct);
        await sessions.InsertAsync(connection, tx, session, ct);
        await tx.CommitAsync(ct);
        return Tokens(user.Id, device.Id, session.Id, refreshToken);
    }

    /// <summary>How long a rotated-away refresh token still yields its successor (tabs refreshing at once).</summary>
    public static readonly TimeSpan RefreshGrace = TimeSpan.FromSeconds(30);

    public async Task<Outcome<TokenResponse>> RefreshAsync(RefreshRequest request, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var presented = request.RefreshToken!;
        // A banned or suspended account gets no new tokens, as at login; a suspended one keeps its
        // session, so the same refresh token works again once the suspension is lifted or lapses.
        if (await sessions.FindLiveUserAsync(RefreshTokens.Hash(presented), now, ct) is { } holder && await StandingAsync(holder, now, ct) is { } refused)
        {
            return refused;
        }
        var newToken = RefreshTokens.New();
        var session = await sessions.RotateAsync(
            RefreshTokens.Hash(presented), RefreshTokens.Hash(newToken), RefreshTokens.SealSuccessor(presented, newToken),
            now + await SessionLifetimeAsync(ct), now, ct);
        if (session is not null)
        {
            return Tokens(session.UserId, session.DeviceId ?? Guid.Empty, session.Id, newToken);
        }
        var retired = await sessions.FindRetiredAsync(RefreshTokens.Hash(presented), now, ct);
        if (retired is { SuccessorSealed: { } sealedSuccessor } && now - retired.RetiredAt <= RefreshGrace
            && RefreshTokens.OpenSuccessor(presented, sealedSuccessor) is { } successor)
        {
            // Another tab (or a parallel call) rotated this token a moment ago: same session, same successor.
            if (await StandingAsync(retired.Session.UserId, now, ct) is { } standing)
            {
                return standing;
            }
            return Tokens(retired.Session.UserId, retired.Session.DeviceId ?? Guid.Empty, retired.Session.Id, successor);
        }
        // A token that was already rotated away is being replayed after the grace: whoever holds the
        // current token and whoever replays this one cannot be told apart, so end the session for both.
        if (await sessions.RevokeByRetiredHashAsync(RefreshTokens.Hash(presented), ct) is { } revoked)
        {
            LogRefreshReuse(logger, revoked);
        }
        return Problem.InvalidRefreshToken;
    }

    private async Task<Problem?> StandingAsync(Guid userId, DateTimeOffset now, CancellationToken ct) =>
        await authStates.GetAsync(userId, ct) is { } state ? AuthGate.Standing(state, now) : null;

    public Task LogoutAsync(RefreshRequest request, CancellationToken ct) =>
        sessions.DeleteByHashAsync(RefreshTokens.Hash(request.RefreshToken!), ct);

    /// <summary>
    /// Ends every session of the caller: refresh tokens are deleted, access tokens issued until now
    /// fail at the gate (the cached standing is dropped at once), and through the outbox the user
    /// leaves every realtime group and its SignalR connections are closed.
    /// </summary>
    public async Task LogoutAllAsync(CurrentUser caller, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await unitOfWork.RunAsync(async unit =>
        {
            await sessions.DeleteAllForUserAsync(unit.Connection, unit.Transaction, caller.Id, ct);
            await users.EndAccessTokensAsync(unit.Connection, unit.Transaction, caller.Id, now, ct);
            unit.Add(EventFactory.UserRevoked(caller.Id, now));
            unit.AfterCommit(() => authStates.InvalidateAsync(caller.Id));
        }, ct);
    }

    private static string? DummyHashCache;

    private string DummyHash() => DummyHashCache ??= hasher.Hash(RefreshTokens.New());


    /// <summary>The refusal of the registration policy, or whether an invite use must be consumed.</summary>
    private async Task<(Problem? Refused, bool InviteRequired)> CheckRegistrationPolicyAsync(RegisterRequest request, CancellationToken ct)
    {
        var mode = await settings.GetValueAsync(SettingKeys.RegistrationMode, ct) is { ValueKind: JsonValueKind.String } m ? m.GetString() : "open";
        switch (mode)
        {
            case "closed":
                return (Problem.RegistrationClosed, false);
            case "invite_only" when string.IsNullOrEmpty(request.InviteCode):
                return (Problem.RegistrationInviteOnly, false);
        }
        if (request.Email is { } email
            && await settings.GetValueAsync(SettingKeys.RegistrationDomainAllowlist, ct) is { ValueKind: JsonValueKind.Array } list
            && list.GetArrayLength() > 0)
        {
            var domain = email[(email.LastIndexOf('@') + 1)..].ToLowerInvariant();
            var allowed = list.EnumerateArray().Where(d => d.ValueKind == JsonValueKind.String).Select(d => d.GetString()!.ToLowerInvariant());
            if (!allowed.Contains(domain))
            {
                return (Problem.EmailDomainNotAllowed(domain), false);
            }
        }
        return (null, mode == "invite_only");
    }

    private static Device NewDevice(Guid userId, string? name, DateTimeOffset now) =>
        new() { Id = Guid.NewGuid(), UserId = userId, DeviceName = string.IsNullOrEmpty(name) ? "default" : name, CreatedAt = now.UtcDateTime };

    /// <summary>The admins' <c>session_timeout_days</c> (1–365), else <c>Auth__RefreshTokenDays</c>.</summary>
    private async Task<TimeSpan> SessionLifetimeAsync(CancellationToken ct) => TimeSpan.FromDays(
        SettingKeys.WholeNumber(await settings.GetValueAsync(SettingKeys.SessionTimeoutDays, ct), 1, 365) ?? authOptions.Value.RefreshTokenDays);

    private static (Session Session, string RefreshToken) NewSession(Guid userId, Guid deviceId, DateTimeOffset now, TimeSpan lifetime)
    {
        var token = RefreshTokens.New();
        return (new Session
        {
            Id = Guid.NewGuid(),
            UserId = userId,
            DeviceId = deviceId,
            RefreshTokenHash = RefreshTokens.Hash(token),
            ExpiresAt = now + lifetime,
        }, token);
    }

    private TokenResponse Tokens(Guid userId, Guid deviceId, Guid sessionId, string refreshToken) =>
        new(accessTokens.Issue(userId, sessionId), refreshToken, "bearer", userId, deviceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rotated refresh token replayed; session {SessionId} revoked")]
    private static partial void LogRefreshReuse(ILogger logger, Guid sessionId);
}
