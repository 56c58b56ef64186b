using D3Chat.Core.Hosting;
using D3Chat.Core.Users;
using Microsoft.Extensions.Options;

namespace D3Chat.Core.Federation;

/// <summary>The body of <c>GET /federation/user-lookup</c> (spec §5).</summary>
public sealed record UserLookupResponse(bool Found, string? Username, Guid? UserId, string? ServerDomain)
{
    public static readonly UserLookupResponse NotFound = new(false, null, null, null);
}

/// <summary>
/// Both sides of the signed user lookup (spec federation.md §5): answering a peer about a local user,
/// and asking a peer about one of theirs (for <c>GET /api/v1/users/lookup</c>), materialising the stub.
/// </summary>
public sealed partial class UserLookup(
    UserStore users,
    FederationStore store,
    FederationGetClient client,
    IOptions<ServerOptions> server,
    TimeProvider time)
{
    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial System.Text.RegularExpressions.Regex UsernamePattern();

    /// <summary>
    /// Usernames are [A-Za-z0-9_-] (spec §5), so a signed path carrying one needs no escaping that
    /// peers could rebuild differently.
    /// </summary>
    public static bool IsUsername(string username) => UsernamePattern().IsMatch(username);

    /// <summary>Answers a verified peer: a LOCAL user of this server with exactly that username.</summary>
    public async Task<UserLookupResponse> FindLocalAsync(string username, CancellationToken ct)
    {
        var user = await users.FindLocalByUsernameAsync(username, ct);
        return user is { IsLocal: true } ? new UserLookupResponse(true, user.Username, user.Id, user.ServerDomain) : UserLookupResponse.NotFound;
    }

    /// <summary>
    /// Asks <paramref name="domain"/> about <paramref name="username"/> with a signed GET; on a hit,
    /// returns the local stub row of that remote user (created if needed). Any failure reads as "not found".
    /// </summary>
    public async Task<User?> FindRemoteAsync(string username, string domain, CancellationToken ct)
    {
        if (DomainNames.Normalize(domain) is not { } normalized || normalized == server.Value.Domain || !IsUsername(username))
        {
            return null;
        }
        var answer = await client.GetAsync<UserLookupResponse>(normalized, $"{FederationHeaders.UserLookupPath}?username={username}", ct);
        if (answer is not { Found: true, Username: { } found } || found != username)
        {
            return null;
        }
        var (connection, tx) = await store.BeginAsync(ct);
        await using (connection)
        await using (tx)
        {
            await store.GetOrCreateRemoteUserAsync(connection, tx, username, normalized, time.GetUtcNow(), ct);
            await tx.CommitAsync(ct);
        }
        return await users.FindByUsernameAsync(username, normalized, ct);
    }
}
