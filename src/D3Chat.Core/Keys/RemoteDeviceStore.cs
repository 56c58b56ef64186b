using Dapper;
using Npgsql;

namespace D3Chat.Core.Keys;

/// <summary>
/// SQL of <c>remote_devices</c>, the last known devices (and bundle keys) of remote users, and of
/// <c>remote_device_lists</c>, when each user's whole list was last fetched.
/// </summary>
public sealed class RemoteDeviceStore(NpgsqlDataSource dataSource)
{
    // A device id already recorded for another user, or hosted here, is never taken over: a peer
    // cannot make a device of someone else a recipient of this user's envelopes.
    private const string UpsertSql = """
        INSERT INTO remote_devices (device_id, user_id, identity_key, signed_pre_key, signed_pre_key_signature, signing_key, fetched_at)
        SELECT @DeviceId, @UserId, @IdentityKey, @SignedPreKey, @SignedPreKeySignature, @SigningKey, @Now
        WHERE NOT EXISTS (SELECT 1 FROM devices WHERE id = @DeviceId)
        ON CONFLICT (device_id) DO UPDATE SET identity_key = EXCLUDED.identity_key, signed_pre_key = EXCLUDED.signed_pre_key,
            signed_pre_key_signature = EXCLUDED.signed_pre_key_signature, signing_key = EXCLUDED.signing_key, fetched_at = EXCLUDED.fetched_at
        WHERE remote_devices.user_id = EXCLUDED.user_id
        """;
    // Devices the user's server no longer lists are gone there too.
    private const string DeleteOthersSql = "DELETE FROM remote_devices WHERE user_id = @UserId AND NOT (device_id = ANY(@Keep))";
    private const string FindSql = """
        SELECT device_id, user_id, identity_key, signed_pre_key, signed_pre_key_signature, signing_key
        FROM remote_devices WHERE device_id = @DeviceId
        """;
    private const string DeleteSql = "DELETE FROM remote_devices WHERE device_id = @DeviceId AND user_id = @UserId";
    private const string MarkListFetchedSql = """
        INSERT INTO remote_device_lists (user_id, fetched_at) VALUES (@UserId, @Now)
        ON CONFLICT (user_id) DO UPDATE SET fetched_at = EXCLUDED.fetched_at
        """;
    // The users among @UserIds whose list was fetched since @Since, then their devices: one round trip.
    private const string ListsFetchedSinceSql = """
        SELECT user_id FROM remote_device_lists WHERE user_id = ANY(@UserIds) AND fetched_at >= @Since;
        SELECT d.device_id, d.user_id, d.identity_key, d.signed_pre_key, d.signed_pre_key_signature, d.signing_key
        FROM remote_devices d JOIN remote_device_lists l ON l.user_id = d.user_id
        WHERE l.user_id = ANY(@UserIds) AND l.fetched_at >= @Since
        ORDER BY d.fetched_at, d.device_id
        """;
    private const string OfUserSql = """
        SELECT device_id, identity_key, signed_pre_key, signed_pre_key_signature, signing_key
        FROM remote_devices WHERE user_id = @UserId ORDER BY fetched_at, device_id
        """;

    /// <summary>Makes <paramref name="bundles"/> the user's known devices; returns those recorded for this user.</summary>
    public async Task<IReadOnlyList<KeyBundleResponse>> ReplaceAsync(Guid userId, IReadOnlyList<KeyBundleResponse> bundles, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var kept = new List<KeyBundleResponse>();
        foreach (var bundle in bundles)
        {
            if (await UpsertAsync(connection, tx, userId, bundle, now, ct))
            {
                kept.Add(bundle);
            }
        }
        await connection.ExecuteAsync(new CommandDefinition(DeleteOthersSql,
            new { UserId = userId, Keep = kept.Select(b => b.DeviceId).ToArray() }, tx, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(MarkListFetchedSql, new { UserId = userId, Now = now }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return kept;
    }

    /// <summary>
    /// The known devices of those of <paramref name="userIds"/> whose whole list was fetched since
    /// <paramref name="since"/> (possibly none each); the others are absent.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, IReadOnlyList<KeyBundleResponse>>> ListsFetchedSinceAsync(
        IReadOnlyCollection<Guid> userIds, DateTimeOffset since, CancellationToken ct)
    {
        if (userIds.Count == 0)
        {
            return new Dictionary<Guid, IReadOnlyList<KeyBundleResponse>>();
        }
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(ListsFetchedSinceSql,
            new { UserIds = userIds.ToArray(), Since = since }, cancellationToken: ct));
        var fresh = await results.ReadAsync<Guid>();
        var devices = (await results.ReadAsync<Row>()).ToLookup(r => r.UserId, r => r.ToBundle());
        return fresh.ToDictionary(id => id, id => (IReadOnlyList<KeyBundleResponse>)devices[id].ToList());
    }

    /// <summary>Records one device of the user (the same take-over rule as <see cref="ReplaceAsync"/>); false when refused.</summary>
    public async Task<bool> UpsertAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid userId, KeyBundleResponse bundle, DateTimeOffset now, CancellationToken ct) =>
        await connection.ExecuteAsync(new CommandDefinition(UpsertSql, new
        {
            bundle.DeviceId,
            UserId = userId,
            bundle.IdentityKey,
            bundle.SignedPreKey,
            bundle.SignedPreKeySignature,
            bundle.SigningKey,
            Now = now,
        }, transaction, cancellationToken: ct)) > 0;

    public async Task<bool> UpsertAsync(Guid userId, KeyBundleResponse bundle, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await UpsertAsync(connection, null, userId, bundle, now, ct);
    }

    /// <summary>Forgets one device of the user (its server announced it removed); false when it was not recorded for that user.</summary>
    public async Task<bool> DeleteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid userId, Guid deviceId, CancellationToken ct) =>
        await connection.ExecuteAsync(new CommandDefinition(DeleteSql, new { DeviceId = deviceId, UserId = userId }, transaction, cancellationToken: ct)) > 0;

    /// <summary>A recorded remote device and its owner, or null.</summary>
    public async Task<(Guid UserId, KeyBundleResponse Bundle)?> FindAsync(Guid deviceId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(FindSql, new { DeviceId = deviceId }, cancellationToken: ct));
        return row is null ? null : (row.UserId, row.ToBundle());
    }

    /// <summary>The last known devices of the user as bundles without one-time keys.</summary>
    public async Task<IReadOnlyList<KeyBundleResponse>> OfUserAsync(Guid userId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(OfUserSql, new { UserId = userId }, cancellationToken: ct));
        return rows.Select(r => r.ToBundle()).ToList();
    }

    private sealed record Row
    {
        public Guid DeviceId { get; init; }
        public Guid UserId { get; init; }
        public string IdentityKey { get; init; } = "";
        public string SignedPreKey { get; init; } = "";
        public string SignedPreKeySignature { get; init; } = "";
        public string? SigningKey { get; init; }

        public KeyBundleResponse ToBundle() => new(DeviceId, IdentityKey, SignedPreKey, SignedPreKeySignature, null, 0, SigningKey);
    }
}
