using D3Chat.Core.Auth;
using D3Chat.Core.Http;
using Npgsql;

namespace D3Chat.Core.Users;

/// <summary>The users route group (spec api.md §4), except avatars (<see cref="Avatars.AvatarService"/>).</summary>
public sealed class UserService(
    UserStore users, PasswordHasher hasher, AuthStateCache authStates, Federation.UserLookup remoteLookup, TimeProvider time)
{
    public async Task<Outcome<UserResponse>> GetMeAsync(CurrentUser caller, CancellationToken ct) =>
        await users.FindByIdAsync(caller.Id, ct) is { } user ? UserResponse.From(user) : Problem.UserNotFound;

    public async Task<Outcome<UserResponse>> UpdateMeAsync(CurrentUser caller, UpdateProfileRequest request, CancellationToken ct)
    {
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

    /// <summary>Changes the caller's password. Existing sessions are kept, as in the reference.</summary>
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
        await users.SetPasswordHashAsync(caller.Id, hasher.Hash(request.NewPassword!), time.GetUtcNow(), ct);
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
        var domain = identity[(at + 1)..];
        if ((await users.FindByUsernameAsync(username, domain, ct) ?? await remoteLookup.FindRemoteAsync(username, domain, ct)) is { } user)
        {
            return PublicUserProfile.From(user);
        }
        return Problem.UserNotFound;
    }

    public async Task<Outcome<PublicUserProfile>> GetAsync(Guid userId, CancellationToken ct) =>
        await users.FindByIdAsync(userId, ct) is { } user ? PublicUserProfile.From(user) : Problem.UserNotFound;
}
