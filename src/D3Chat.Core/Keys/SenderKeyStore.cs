using Dapper;
using Npgsql;

namespace D3Chat.Core.Keys;

/// <summary>SQL of <c>sender_key_envelopes</c> (departure 3): opaque envelopes, each readable only by its recipient device.</summary>
public sealed class SenderKeyStore(NpgsqlDataSource dataSource)
{
    // Replacing is delete-then-insert: two uploads of one device at once would both insert and the
    // second would hit the primary key. This lock, held until commit, makes them take turns.
    private const string LockSenderSql = "SELECT pg_advisory_xact_lock(hashtextextended(@ChannelId::text || '/' || @SenderDeviceId::text, 0))";
    private const string DeleteFromSenderSql = "DELETE FROM sender_key_envelopes WHERE channel_id = @ChannelId AND sender_device_id = @SenderDeviceId";
    private const string InsertSql = """
        INSERT INTO sender_key_envelopes (channel_id, sender_device_id, recipient_device_id, sender_user_id, sender_key_public, envelope, created_at)
        SELECT @ChannelId, @SenderDeviceId, r, @SenderUserId, @SenderKeyPublic, e, @Now
        FROM unnest(@Recipients, @Envelopes) AS t(r, e)
        """;
    private const string ForRecipientSql = """
        SELECT sender_device_id AS device_id, sender_user_id, sender_key_public, recipient_device_id, envelope, 0 AS message_number, created_at
        FROM sender_key_envelopes
        WHERE channel_id = @ChannelId AND recipient_device_id = @RecipientDeviceId
        ORDER BY created_at, sender_device_id
        """;
    // Recipients must be devices of current members, local or remote (remote_devices, learnt from
    // the member's server): a sender key is never handed to an outsider.
    private const string MemberDevicesSql = """
        SELECT d.id FROM devices d JOIN channel_members m ON m.user_id = d.user_id AND m.channel_id = @ChannelId
        WHERE d.id = ANY(@Ids)
        UNION
        SELECT r.device_id FROM remote_devices r JOIN channel_members m ON m.user_id = r.user_id AND m.channel_id = @ChannelId
        WHERE r.device_id = ANY(@Ids)
        """;
    private const string RemoveForRecipientDeviceSql = "DELETE FROM sender_key_envelopes WHERE recipient_device_id = @DeviceId";
    private const string RemoveForUserSql = """
        DELETE FROM sender_key_envelopes
        WHERE channel_id = @ChannelId
          AND (sender_user_id = @UserId
               OR recipient_device_id IN (SELECT id FROM devices WHERE user_id = @UserId)
               OR recipient_device_id IN (SELECT device_id FROM remote_devices WHERE user_id = @UserId))
        """;

    /// <summary>Replaces every envelope the sending device distributed in the channel (a new sender-key generation).</summary>
    public async Task ReplaceAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid channelId, Guid senderDeviceId, Guid senderUserId,
        string senderKeyPublic, IReadOnlyList<SenderKeyEnvelopeInput> envelopes, DateTimeOffset now, CancellationToken ct)
    {
        await connection.ExecuteAsync(new CommandDefinition(LockSenderSql,
            new { ChannelId = channelId, SenderDeviceId = senderDeviceId }, transaction, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(DeleteFromSenderSql,
            new { ChannelId = channelId, SenderDeviceId = senderDeviceId }, transaction, cancellationToken: ct));
        if (envelopes.Count == 0)
        {
            return;
        }
        await connection.ExecuteAsync(new CommandDefinition(InsertSql, new
        {
            ChannelId = channelId,
            SenderDeviceId = senderDeviceId,
            SenderUserId = senderUserId,
            SenderKeyPublic = senderKeyPublic,
            Recipients = envelopes.Select(e => e.RecipientDeviceId!.Value).ToArray(),
            Envelopes = envelopes.Select(e => e.Envelope!).ToArray(),
            Now = now,
        }, transaction, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<SenderKeyEnvelopeResponse>> ForRecipientAsync(Guid channelId, Guid recipientDeviceId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<SenderKeyEnvelopeRow>(new CommandDefinition(ForRecipientSql,
            new { ChannelId = channelId, RecipientDeviceId = recipientDeviceId }, cancellationToken: ct));
        return rows.Select(r => r.ToResponse()).ToList();
    }

    /// <summary>Which of <paramref name="deviceIds"/> belong to current members of the channel.</summary>
    public async Task<IReadOnlySet<Guid>> MemberDevicesAsync(Guid channelId, IReadOnlyList<Guid> deviceIds, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<Guid>(new CommandDefinition(MemberDevicesSql,
            new { ChannelId = channelId, Ids = deviceIds.ToArray() }, cancellationToken: ct))).ToHashSet();
    }

    /// <summary>Drops envelopes sent by or addressed to the user's devices (the user left; the others rotate their keys).</summary>
    public Task RemoveForUserAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid channelId, Guid userId, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(RemoveForUserSql, new { ChannelId = channelId, UserId = userId }, transaction, cancellationToken: ct));

    /// <summary>Drops envelopes addressed to a device that no longer exists (its server announced the removal).</summary>
    public Task RemoveForRecipientDeviceAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid deviceId, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(RemoveForRecipientDeviceSql, new { DeviceId = deviceId }, transaction, cancellationToken: ct));

    private sealed record SenderKeyEnvelopeRow
    {
        public Guid DeviceId { get; init; }
        public Guid? SenderUserId { get; init; }
        public string SenderKeyPublic { get; init; } = "";
        public Guid RecipientDeviceId { get; init; }
        public string Envelope { get; init; } = "";
        public int MessageNumber { get; init; }
        public DateTime CreatedAt { get; init; }

        public SenderKeyEnvelopeResponse ToResponse() => new(DeviceId, SenderUserId, SenderKeyPublic, RecipientDeviceId, Envelope, MessageNumber,
            DateTime.SpecifyKind(CreatedAt, DateTimeKind.Utc));
    }
}
