using D3Chat.Core.Federation;
using D3Chat.Core.Hosting;
using D3Chat.Core.Users;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace D3Chat.Core.Keys;

/// <summary>The body of <c>GET /federation/key-bundles</c>: the published bundles of one local user.</summary>
public sealed record KeyBundlesLookupResponse(string Username, IReadOnlyList<KeyBundleResponse> Bundles);

/// <summary>
/// Key bundles across servers (closes spec federation.md §7 "Remote key bundles not federated"):
/// answering a verified peer about a local user's devices, and fetching a remote user's devices from
/// their server so local devices can address sender-key envelopes to them.
/// </summary>
/// <remarks>
/// One-time pre-keys are never handed out over federation (<c>one_time_pre_key</c> is null): sender-key
/// distribution needs only device ids and identity keys, and a peer that could claim one-time keys
/// with GETs made on behalf of no particular user could drain a user's supply; the answer is
/// therefore side-effect free and may be repeated (every fetch through a peer server is one GET).
/// </remarks>
public sealed partial class RemoteKeyBundles(
    NpgsqlDataSource dataSource,
    KeyStore keys,
    RemoteDeviceStore remoteDevices,
    FederationGetClient client,
    IOptions<ServerOptions> server,
    TimeProvider time,
    ILogger<RemoteKeyBundles> logger)
{
    public const string KeyBundlesPath = "/federation/key-bundles";

    /// <summary>Most devices accepted from one peer answer.</summary>
    public const int MaxRemoteDevices = 100;

    /// <summary>Answers a verified peer: the published bundles of a LOCAL user; an unknown user has none.</summary>
    public async Task<KeyBundlesLookupResponse> FindLocalAsync(string username, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return new KeyBundlesLookupResponse(username, await keys.PublishedBundlesAsync(connection, username, server.Value.Domain, ct));
    }

    /// <summary>
    /// Fetches the bundles of remote user <paramref name="user"/> from its server and records its
    /// devices; when the server cannot answer, the last known devices (possibly none).
    /// </summary>
    public async Task<IReadOnlyList<KeyBundleResponse>> FetchAsync(User user, CancellationToken ct)
    {
        var answer = UserLookup.IsUsername(user.Username)
            ? await client.GetAsync<KeyBundlesLookupResponse>(user.ServerDomain, $"{KeyBundlesPath}?username={user.Username}", ct)
            : null;
        if (answer is not { Bundles: { } bundles } || answer.Username != user.Username || !IsValid(bundles))
        {
            LogFallback(user.ServerDomain);
            return await remoteDevices.OfUserAsync(user.Id, ct);
        }
        // Whatever the peer says about one-time keys is dropped: they are not federated.
        var published = bundles.Select(b => b with { OneTimePreKey = null, OneTimePreKeyCount = 0 }).ToList();
        return await remoteDevices.ReplaceAsync(user.Id, published, time.GetUtcNow(), ct);
    }

    private static bool IsValid(IReadOnlyList<KeyBundleResponse> bundles) =>
        bundles.Count <= MaxRemoteDevices
        && bundles.Select(b => b.DeviceId).Distinct().Count() == bundles.Count
        && bundles.All(b => b is not null && b.DeviceId != Guid.Empty
            && Fits(b.IdentityKey, KeyLimits.MaxKeyLength) && Fits(b.SignedPreKey, KeyLimits.MaxKeyLength) && Fits(b.SignedPreKeySignature, 1024)
            && (b.SigningKey is null || PublicKeyEncoding.IsP256Point(b.SigningKey)));

    private static bool Fits(string? value, int max) => value is { Length: > 0 } && value.Length <= max;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Key bundles from {Domain} unavailable; answering with the last known devices")]
    private partial void LogFallback(string domain);
}
