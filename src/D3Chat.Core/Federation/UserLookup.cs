using System.Net.Http.Json;
using System.Text.Json;
using D3Chat.Core.Crypto;
using D3Chat.Core.Hosting;
using D3Chat.Core.Http;
using D3Chat.Core.Users;
using Microsoft.Extensions.Logging;
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
    PeerDiscovery discovery,
    IHttpClientFactory httpClients,
    ServerSigningKey signingKey,
    IOptions<ServerOptions> server,
    TimeProvider time,
    ILogger<UserLookup> logger)
{
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(15);

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial System.Text.RegularExpressions.Regex UsernamePattern();

    /// <summary>Answers a verified peer: a LOCAL user of this server with exactly that username.</summary>
    public async Task<UserLookupResponse> FindLocalAsync(string username, CancellationToken ct)
    {
        var user = await users.FindByUsernameAsync(username, server.Value.Domain, ct);
        return user is { IsLocal: true } ? new UserLookupResponse(true, user.Username, user.Id, user.ServerDomain) : UserLookupResponse.NotFound;
    }

    /// <summary>
    /// Asks <paramref name="domain"/> about <paramref name="username"/> with a signed GET; on a hit,
    /// returns the local stub row of that remote user (created if needed). Any failure reads as "not found".
    /// </summary>
    public async Task<User?> FindRemoteAsync(string username, string domain, CancellationToken ct)
    {
        // Usernames are [A-Za-z0-9_-] (spec §5), so the signed path needs no escaping that peers could rebuild differently.
        if (domain == server.Value.Domain || !UsernamePattern().IsMatch(username) || await discovery.DiscoverAsync(domain, ct) is not { } peer)
        {
            return null;
        }
        var pathAndQuery = $"{FederationHeaders.UserLookupPath}?username={username}";
        var headers = RequestSigning.Sign(signingKey, server.Value.Domain, "GET", pathAndQuery, RequestSigning.FormatTimestamp(time.GetUtcNow()), []);
        using var request = new HttpRequestMessage(HttpMethod.Get, peer.ApiBaseUrl + pathAndQuery);
        request.Headers.Add(FederationHeaders.Origin, headers.Origin);
        request.Headers.Add(FederationHeaders.Timestamp, headers.Timestamp);
        request.Headers.Add(FederationHeaders.Signature, headers.Signature);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(RequestTimeout);
        UserLookupResponse? answer;
        try
        {
            using var response = await httpClients.CreateClient(PeerDiscovery.HttpClientName).SendAsync(request, timeout.Token);
            answer = response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<UserLookupResponse>(ApiResults.Json, timeout.Token) : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or NotSupportedException
            || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            LogLookupFailed(domain, ex.GetType().Name);
            return null;
        }
        if (answer is not { Found: true, Username: { } found } || found != username)
        {
            return null;
        }
        var (connection, tx) = await store.BeginAsync(ct);
        await using (connection)
        await using (tx)
        {
            await store.GetOrCreateRemoteUserAsync(connection, tx, username, domain, time.GetUtcNow(), ct);
            await tx.CommitAsync(ct);
        }
        return await users.FindByUsernameAsync(username, domain, ct);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Remote user lookup at {Domain} failed: {Reason}")]
    private partial void LogLookupFailed(string domain, string reason);
}
