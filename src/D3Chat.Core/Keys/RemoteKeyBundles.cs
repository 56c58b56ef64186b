using System.Collections.Concurrent;
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
/// The body of <c>POST /federation/key-claim</c>: one device of <c>username</c> on the receiving server.
/// <c>nonce</c> is any value the sender never repeats: two claims of the same device signed within one
/// second would otherwise be byte-identical, and the second refused as a replay.
/// </summary>
public sealed record KeyClaimRequest(string? Username, Guid? DeviceId, string? Nonce = null) : Http.IValidatable
{
    public const int MaxNonceLength = 64;

    public void Validate(Http.Validator v)
    {
        v.Required("username", Username, 1, 64);
        v.Length("nonce", Nonce, 1, MaxNonceLength);
        if (DeviceId is null)
        {
            v.Fail("device_id", "Field required", "missing");
        }
    }
}

/// <summary>
/// Key bundles across servers (closes spec federation.md §7 "Remote key bundles not federated"):
/// answering a verified peer about a local user's devices, and fetching a remote user's devices from
/// their server so local devices can address sender-key envelopes to them.
/// </summary>
/// <remarks>
/// The device list (<c>key-bundles</c>) never hands out one-time pre-keys: it is side-effect free and
/// may be repeated. One-time keys are claimed one device at a time through the signed POST
/// <c>/federation/key-claim</c> (<see cref="ClaimAsync"/>), which the owning server answers only
/// for users who share a channel with the asking server (see <see cref="KeyService.ClaimForPeerAsync"/>).
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
    public const string KeyClaimPath = "/federation/key-claim";

    /// <summary>Most key-bundle requests <see cref="FetchAllAsync"/> has in flight at once.</summary>
    public const int ConcurrentFetches = 4;

    /// <summary>Most devices accepted from one peer answer.</summary>
    public const int MaxRemoteDevices = 100;

    /// <summary>
    /// How long a server that did not answer a key-bundle request is not asked again: meanwhile its
    /// users get their last known devices at once, so a peer that hangs costs one request timeout a
    /// minute, not one per send (cf. <see cref="PeerDiscovery.FailureCacheTtl"/>).
    /// </summary>
    public static readonly TimeSpan UnansweredPause = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a remote user's fetched device list answers <see cref="FetchAllAsync"/> without asking
    /// their server again. Announcements keep it current meanwhile; this bounds how long one that was
    /// lost (a relay that gave up) can leave it stale.
    /// </summary>
    public static readonly TimeSpan ListTrustedFor = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _unanswered = new(StringComparer.Ordinal);

    /// <summary>Answers a verified peer: the published bundles of a LOCAL user; an unknown user has none.</summary>
    public async Task<KeyBundlesLookupResponse> FindLocalAsync(string username, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return new KeyBundlesLookupResponse(username, await keys.PublishedBundlesAsync(connection, username, server.Value.Domain, ct));
    }

    /// <summary>
    /// Fetches the bundles of remote user <paramref name="user"/> from its server and records its
    /// devices; when the server cannot answer, the last known devices (possibly none). A server that
    /// did not answer at all is not asked again for <see cref="UnansweredPause"/>.
    /// </summary>
    public async Task<IReadOnlyList<KeyBundleResponse>> FetchAsync(User user, CancellationToken ct)
    {
        var domain = user.ServerDomain;
        if ((_unanswered.TryGetValue(domain, out var since) && time.GetUtcNow() - since < UnansweredPause)
            || !UserLookup.IsUsername(user.Username))
        {
            return await remoteDevices.OfUserAsync(user.Id, ct);
        }
        var answer = await client.GetAsync<KeyBundlesLookupResponse>(domain, $"{KeyBundlesPath}?username={user.Username}", ct);
        if (answer is null)
        {
            _unanswered[domain] = time.GetUtcNow();
        }
        else
        {
            _unanswered.TryRemove(domain, out _);
        }
        // An answer that arrives but is not usable says nothing about the server's other users.
        if (answer is not { Bundles: { } bundles } || answer.Username != user.Username || !IsValid(bundles))
        {
            LogFallback(domain);
            return await remoteDevices.OfUserAsync(user.Id, ct);
        }
        // Whatever the peer says about one-time keys is dropped: they are not federated.
        var published = bundles.Select(b => b with { OneTimePreKey = null, OneTimePreKeyCount = 0 }).ToList();
        return await remoteDevices.ReplaceAsync(user.Id, published, time.GetUtcNow(), ct);
    }

    /// <summary>
    /// The devices of several remote users (a channel's remote members, before each send). A user
    /// whose whole list was fetched within <see cref="ListTrustedFor"/> is answered from
    /// <c>remote_devices</c>, which <c>device.update</c> announcements keep current; the others are
    /// fetched as by <see cref="FetchAsync"/>. Servers are asked concurrently, each first about one of
    /// its users and only then about the others, so a server that does not answer is asked once (then
    /// paused) and its other users get their last known devices at once: a server that hangs costs
    /// one request timeout, not one per user. At most <see cref="ConcurrentFetches"/> requests are in flight.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, IReadOnlyList<KeyBundleResponse>>> FetchAllAsync(IReadOnlyCollection<User> users, CancellationToken ct)
    {
        var known = await remoteDevices.ListsFetchedSinceAsync(users.Select(u => u.Id).ToList(), time.GetUtcNow() - ListTrustedFor, ct);
        var answers = new ConcurrentDictionary<Guid, IReadOnlyList<KeyBundleResponse>>(known);
        using var slots = new SemaphoreSlim(ConcurrentFetches);
        async Task FetchOneAsync(User user)
        {
            await slots.WaitAsync(ct);
            try
            {
                answers[user.Id] = await FetchAsync(user, ct);
            }
            finally
            {
                slots.Release();
            }
        }
        await Task.WhenAll(users.Where(u => !known.ContainsKey(u.Id)).GroupBy(u => u.ServerDomain).Select(async server =>
        {
            // The first question goes about a user the server can be asked about at all.
            var ordered = server.OrderBy(u => UserLookup.IsUsername(u.Username) ? 0 : 1).ToList();
            await FetchOneAsync(ordered[0]);
            await Task.WhenAll(ordered.Skip(1).Select(FetchOneAsync));
        }));
        return answers;
    }

    /// <summary>
    /// Claims one one-time key of remote device <paramref name="deviceId"/> of <paramref name="owner"/> on
    /// its server, and records the device's current keys. Null when the server cannot or will not
    /// answer (the caller falls back to the last known keys, without a one-time key).
    /// </summary>
    public async Task<KeyBundleResponse?> ClaimAsync(User owner, Guid deviceId, CancellationToken ct)
    {
        if (!UserLookup.IsUsername(owner.Username))
        {
            return null;
        }
        var answer = await client.PostAsync<KeyBundleResponse>(owner.ServerDomain, KeyClaimPath, new { username = owner.Username, device_id = deviceId, nonce = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)) }, ct);
        if (answer is null || answer.DeviceId != deviceId || !IsValid(answer)
            || (answer.OneTimePreKey is { } otp && !Fits(otp, KeyLimits.MaxKeyLength)))
        {
            LogFallback(owner.ServerDomain);
            return null;
        }
        return await remoteDevices.UpsertAsync(owner.Id, answer, time.GetUtcNow(), ct) ? answer : null;
    }

    /// <summary>A peer's device entry is usable: bounded keys, and a signing key that is a P-256 point when present.</summary>
    public static bool IsValid(KeyBundleResponse b) =>
        b is not null && b.DeviceId != Guid.Empty
        && Fits(b.IdentityKey, KeyLimits.MaxKeyLength) && Fits(b.SignedPreKey, KeyLimits.MaxKeyLength) && Fits(b.SignedPreKeySignature, 1024)
        && (b.SigningKey is null || PublicKeyEncoding.IsP256Point(b.SigningKey));

    private static bool IsValid(IReadOnlyList<KeyBundleResponse> bundles) =>
        bundles.Count <= MaxRemoteDevices
        && bundles.Select(b => b.DeviceId).Distinct().Count() == bundles.Count
        && bundles.All(IsValid);

    private static bool Fits(string? value, int max) => value is { Length: > 0 } && value.Length <= max;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Key bundles or claims from {Domain} unavailable; answering with the last known devices")]
    private partial void LogFallback(string domain);
}
