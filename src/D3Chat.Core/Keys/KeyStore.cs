using Dapper;
using Npgsql;

namespace D3Chat.Core.Keys;

/// <summary>SQL of <c>device_keys</c> (pre-key bundles) and <c>one_time_pre_keys</c>.</summary>
public sealed class KeyStore
{
    private const string UpsertBundleSql = """
        INSERT INTO device_keys (id, device_id, identity_key, signed_pre_key, signed_pre_key_signature, signing_key, updated_at)
        VALUES (@Id, @DeviceId, @IdentityKey, @SignedPreKey, @SignedPreKeySignature, @SigningKey, @Now)
        ON CONFLICT (device_id) DO UPDATE SET identity_key = EXCLUDED.identity_key, signed_pre_key = EXCLUDED.signed_pre_key,
            signed_pre_key_signature = EXCLUDED.signed_pre_key_signature, signing_key = EXCLUDED.signing_key, updated_at = EXCLUDED.updated_at
        """;
    private const string DeleteOneTimeKeysSql = "DELETE FROM one_time_pre_keys WHERE device_id = @DeviceId";
    // WITH ORDINALITY keeps the upload order, which is the order keys are handed out.
    private const string InsertOneTimeKeysSql = """
        INSERT INTO one_time_pre_keys (device_id, public_key)
        SELECT @DeviceId, k FROM unnest(@Keys) WITH ORDINALITY AS t(k, n) ORDER BY n
        """;
    // Locks the bundle row so appends to one device are serialised with a re-upload.
    private const string LockBundleSql = "SELECT EXISTS (SELECT 1 FROM device_keys WHERE device_id = @DeviceId FOR UPDATE)";
    private const string CountSql = "SELECT count(*)::int FROM one_time_pre_keys WHERE device_id = @DeviceId";
    private const string BundleDevicesOfUserSql = """
        SELECT k.device_id FROM device_keys k JOIN devices d ON d.id = k.device_id
        WHERE d.user_id = @UserId ORDER BY d.created_at, d.id
        """;
    // The published part of each bundle of a LOCAL user, nothing claimed (GET /federation/key-bundles).
    private const string PublishedBundlesSql = """
        SELECT k.device_id, k.identity_key, k.signed_pre_key, k.signed_pre_key_signature, k.signing_key
        FROM device_keys k JOIN devices d ON d.id = k.device_id JOIN users u ON u.id = d.user_id
        WHERE u.username = @Username AND u.is_local
        ORDER BY d.created_at, d.id
        """;
    // The same published part, by user id (GET /api/v1/keys/{user_id}/devices): nothing claimed.
    private const string PublishedBundlesOfUserSql = """
        SELECT k.device_id, k.identity_key, k.signed_pre_key, k.signed_pre_key_signature, k.signing_key
        FROM device_keys k JOIN devices d ON d.id = k.device_id
        WHERE d.user_id = @UserId
        ORDER BY d.created_at, d.id
        """;
    // The same published part for every local member of a channel at once (GET /api/v1/keys/channels/{channel_id}/devices).
    private const string PublishedBundlesOfChannelSql = """
        SELECT d.user_id AS owner_id, k.device_id, k.identity_key, k.signed_pre_key, k.signed_pre_key_signature, k.signing_key
        FROM channel_members m JOIN devices d ON d.user_id = m.user_id JOIN device_keys k ON k.device_id = d.id
        WHERE m.channel_id = @ChannelId
        ORDER BY d.created_at, d.id
        """;
    // The owner of a device hosted here, named by a peer as username@our-domain (POST /federation/key-claim).
    private const string LocalOwnerSql = """
        SELECT d.user_id FROM devices d JOIN users u ON u.id = d.user_id
        WHERE d.id = @DeviceId AND u.username = @Username AND u.server_domain = @Domain AND u.is_local
        """;
    // A peer may claim one-time keys only of users who share a channel with one of its users: the
    // claims then serve sessions someone there needs, and a stranger server cannot drain a supply.
    private const string SharesChannelWithDomainSql = """
        SELECT EXISTS (
            SELECT 1 FROM channel_members mine
            JOIN channel_members theirs ON theirs.channel_id = mine.channel_id
            JOIN users u ON u.id = theirs.user_id
            WHERE mine.user_id = @UserId AND u.server_domain = @Domain AND NOT COALESCE(u.is_local, true))
        """;
    // One statement claims the oldest unclaimed key: SKIP LOCKED makes concurrent fetches take
    // different keys (or none), never the same one. The count is read from the statement's
    // snapshot, i.e. before this claim, which is what one_time_pre_key_count reports.
    private const string ClaimSql = """
        WITH claimed AS (
            DELETE FROM one_time_pre_keys
            WHERE id = (SELECT id FROM one_time_pre_keys WHERE device_id = @DeviceId ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING public_key
        )
        SELECT k.device_id, d.user_id AS owner_id, k.identity_key, k.signed_pre_key, k.signed_pre_key_signature, k.signing_key,
               (SELECT public_key FROM claimed) AS one_time_pre_key,
               (SELECT count(*) FROM one_time_pre_keys o WHERE o.device_id = k.device_id)::int AS one_time_pre_key_count
        FROM device_keys k JOIN devices d ON d.id = k.device_id
        WHERE k.device_id = @DeviceId
        """;

    public Task UpsertBundleAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, UploadBundleRequest bundle, DateTimeOffset now, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(UpsertBundleSql, new
        {
            Id = Guid.NewGuid(),
            bundle.DeviceId,
            bundle.IdentityKey,
            bundle.SignedPreKey,
            bundle.SignedPreKeySignature,
            bundle.SigningKey,
            Now = now,
        }, transaction, cancellationToken: ct));

    /// <summary>Replaces the device's one-time keys wholesale (spec: upload replaces the list).</summary>
    public async Task ReplaceOneTimeKeysAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid deviceId, IReadOnlyList<string> keys, CancellationToken ct)
    {
        await connection.ExecuteAsync(new CommandDefinition(DeleteOneTimeKeysSql, new { DeviceId = deviceId }, transaction, cancellationToken: ct));
        await AppendOneTimeKeysAsync(connection, transaction, deviceId, keys, ct);
    }

    public Task AppendOneTimeKeysAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid deviceId, IReadOnlyList<string> keys, CancellationToken ct) =>
        keys.Count == 0 ? Task.CompletedTask
        : connection.ExecuteAsync(new CommandDefinition(InsertOneTimeKeysSql, new { DeviceId = deviceId, Keys = keys.ToArray() }, transaction, cancellationToken: ct));

    /// <summary>True (and the bundle row locked until commit) when the device has a bundle.</summary>
    public Task<bool> LockBundleAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid deviceId, CancellationToken ct) =>
        connection.ExecuteScalarAsync<bool>(new CommandDefinition(LockBundleSql, new { DeviceId = deviceId }, transaction, cancellationToken: ct));

    public Task<int> CountOneTimeKeysAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid deviceId, CancellationToken ct) =>
        connection.ExecuteScalarAsync<int>(new CommandDefinition(CountSql, new { DeviceId = deviceId }, transaction, cancellationToken: ct));

    public async Task<IReadOnlyList<Guid>> BundleDevicesOfUserAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid userId, CancellationToken ct) =>
        (await connection.QueryAsync<Guid>(new CommandDefinition(BundleDevicesOfUserSql, new { UserId = userId }, transaction, cancellationToken: ct))).ToList();

    /// <summary>Bundles of the local user without one-time keys: nothing is claimed, so the answer can be repeated freely.</summary>
    public async Task<IReadOnlyList<KeyBundleResponse>> PublishedBundlesAsync(NpgsqlConnection connection, string username, string domain, CancellationToken ct) =>
        (await connection.QueryAsync<ClaimedBundle>(new CommandDefinition(PublishedBundlesSql, new { Username = username, Domain = domain }, cancellationToken: ct)))
        .Select(b => b.ToResponse()).ToList();

    public Task<Guid?> LocalOwnerAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid deviceId, string username, string domain, CancellationToken ct) =>
        connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(LocalOwnerSql,
            new { DeviceId = deviceId, Username = username, Domain = domain }, transaction, cancellationToken: ct));

    public Task<bool> SharesChannelWithDomainAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid userId, string domain, CancellationToken ct) =>
        connection.ExecuteScalarAsync<bool>(new CommandDefinition(SharesChannelWithDomainSql, new { UserId = userId, Domain = domain }, transaction, cancellationToken: ct));

    /// <summary>The published bundles of a user's devices by user id, without one-time keys (nothing claimed).</summary>
    public async Task<IReadOnlyList<KeyBundleResponse>> PublishedBundlesOfUserAsync(NpgsqlConnection connection, Guid userId, CancellationToken ct) =>
        (await connection.QueryAsync<ClaimedBundle>(new CommandDefinition(PublishedBundlesOfUserSql, new { UserId = userId }, cancellationToken: ct)))
        .Select(b => b.ToResponse()).ToList();

    /// <summary>The published bundles of the devices hosted here of a channel's members, by owner, without one-time keys.</summary>
    public async Task<ILookup<Guid, KeyBundleResponse>> PublishedBundlesOfChannelAsync(NpgsqlConnection connection, Guid channelId, CancellationToken ct) =>
        (await connection.QueryAsync<ClaimedBundle>(new CommandDefinition(PublishedBundlesOfChannelSql, new { ChannelId = channelId }, cancellationToken: ct)))
        .ToLookup(b => b.OwnerId, b => b.ToResponse());

    /// <summary>The device's bundle with one claimed one-time key (or none left); null when the device has no bundle.</summary>
    internal Task<ClaimedBundle?> ClaimAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid deviceId, CancellationToken ct) =>
        connection.QuerySingleOrDefaultAsync<ClaimedBundle>(new CommandDefinition(ClaimSql, new { DeviceId = deviceId }, transaction, cancellationToken: ct));
}
