using D3Chat.Core.Auth;
using D3Chat.Core.Http;
using Npgsql;

namespace D3Chat.Core.Users;

/// <summary>The users route group (spec api.md §4), except avatars (<see cref="Avatars.AvatarService"/>).</summary>
public sealed class UserService(
    NpgsqlDataSource dataSource, UserStore users, SessionStore sessions, PasswordHasher hasher, AuthStateCache authStates,
    Federation.UserLookup remoteLookup, Microsoft.Extensions.Options.IOptions<Hosting.ServerOptions> server, TimeProvider time)
{
    public async Task<Outcome<UserResponse>> GetMeAsync(CurrentUser caller, CancellationToken ct) =>
        await users.FindByIdAsync(caller.Id, ct) is { } user ? UserResponse.From(user) : Problem.UserNotFound;

    public async Task<Outcome<UserResponse>> UpdateMeAsync(CurrentUser caller, UpdateProfileRequest request, CancellationToken ct)
    {
        if (request.Username is { } name && name != caller.Username && await users.IsRetiredAsync(name, ct))
        {
            return Problem.UsernameTaken;
        }
        User? updated;
        try
        {
            updated = await users.UpdateProfileAsync(caller.Id, request, time.GetUtcNow(), ct);
        }
        catch (PostgresException ex) when (ex.SqlState == UserStore.UniqueViolation)
        {
            // The reference lets this reach the unique constraint and answers 500.
            return Problem.UsernameTaken;
        }
        if (updated is null)
        {
            return Problem.UserNotFound;
        }
        if (request.Username is not null)
        {
            // The gate caches the username it hands to every function.
            await authStates.InvalidateAsync(caller.Id);
        }
        return UserResponse.From(updated);
    }

    /// <summary>
    /// Changes the caller's password and, unlike the reference, ends every other session: their refresh
    /// tokens are deleted and every access token issued until now fails at the gate. The caller's own
    /// session stays; its client refreshes once (its access token is among those ended).
    /// </summary>
    public async Task<Outcome<Done>> ChangePasswordAsync(CurrentUser caller, ChangePasswordRequest request, CancellationToken ct)
    {
        var user = await users.FindByIdAsync(caller.Id, ct);
        if (user is null)
        {
            return Problem.UserNotFound;
        }
        if (user.PasswordHash is null)
        {
            return Problem.RemoteUserPassword;
        }
        if (!PasswordHasher.Verify(request.OldPassword!, user.PasswordHash))
        {
            return Problem.WrongCurrentPassword;
        }
        var now = time.GetUtcNow();
        var hash = hasher.Hash(request.NewPassword!);
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            await users.SetPasswordHashAsync(connection, tx, caller.Id, hash, now, ct);
            // A token without a session id cannot say which session is the caller's: all end.
            await sessions.DeleteOthersForUserAsync(connection, tx, caller.Id, caller.SessionId, ct);
            await users.EndAccessTokensAsync(connection, tx, caller.Id, now, ct);
            await tx.CommitAsync(ct);
        }
        await authStates.InvalidateAsync(caller.Id);
        return Outcome.Done;
    }

    public async Task<IReadOnlyList<PublicUserProfile>> SearchAsync(string query, CancellationToken ct) =>
        [.. (await users.SearchAsync(query, ct)).Select(PublicUserProfile.From)];

    /// <summary>
    /// Looks up <c>user@server</c>: a user this server knows, else (other domain) the peer's answer to
    /// a signed <c>GET /federation/user-lookup</c>, which creates the remote stub user (spec §5). Any
    /// federation failure reads as 404 <c>User not found</c>, as in the reference.
    /// </summary>
    public async Task<Outcome<PublicUserProfile>> LookupAsync(string identity, CancellationToken ct)
    {
        var at = identity.IndexOf('@', StringComparison.Ordinal);
        if (at < 0)
        {
            return Problem.InvalidIdentity;
        }
        var username = identity[..at];
        if (Federation.DomainNames.Normalize(identity[(at + 1)..]) is not { } domain)
        {
            return Problem.UserNotFound;
        }
        // Our own domain in any spelling is local: never a remote stub of a local user.
        var found = domain == server.Value.Domain
            ? await users.FindLocalByUsernameAsync(username, ct)
            : await users.FindByUsernameAsync(username, domain, ct) ?? await remoteLookup.FindRemoteAsync(username, domain, ct);
        if (found is { } user)
        {
            return PublicUserProfile.From(user);
        }
        return Problem.UserNotFound;
    }

    public async Task<Outcome<PublicUserProfile>> GetAsync(Guid userId, CancellationToken ct) =>
        await users.FindByIdAsync(userId, ct) is { } user ? PublicUserProfile.From(user) : Problem.UserNotFound;
}
