using Dapper;
using Npgsql;

namespace D3Chat.Core.Federation;

/// <summary>A message written on this server, as the relay sends it.</summary>
internal sealed record LocalMessage(
    Guid Id, Guid ChannelId, Guid? SenderDeviceId, string Content, string? ContentType, int? ProtocolVersion, DateTime? EditedAt, string SenderUsername);

/// <summary>A channel as the relay needs it for an invite.</summary>
internal sealed record RelayChannel(Guid Id, string? Name, bool IsDm, string? EncryptionType);

/// <summary>A user as the relay needs it.</summary>
internal sealed record RelayUser(Guid Id, string Username, string ServerDomain, bool IsLocal);

/// <summary>A sender-key envelope addressed to a device this server does not host.</summary>
public sealed record RemoteEnvelope(Guid RecipientDeviceId, string Envelope, string SenderKeyPublic);

/// <summary>The published keys of a local device, as <c>device.update</c> carries them to peers.</summary>
internal sealed record RelayDeviceKeys(string IdentityKey, string? SigningKey, string SignedPreKey, string SignedPreKeySignature);

/// <summary>Read-only queries the relay uses to turn channel events into federation events.</summary>
public sealed class RelayStore(NpgsqlDataSource dataSource)
{
    private const string RemoteDomainsSql = """
        SELECT DISTINCT u.server_domain
        FROM channel_members m JOIN users u ON u.id = m.user_id
        WHERE m.channel_id = @ChannelId AND u.is_local = false
        ORDER BY u.server_domain
        """;
    // Only messages written here (origin_server NULL) by local users: relayed copies are never re-relayed.
    private const string LocalMessageSql = """
        SELECT m.id, m.channel_id AS channelid, m.sender_device_id AS senderdeviceid, m.content, m.content_type AS contenttype,
               m.protocol_version AS protocolversion, m.edited_at AS editedat, u.username AS senderusername
        FROM messages m JOIN users u ON u.id = m.sender_id
        WHERE m.id = @Id AND m.origin_server IS NULL AND u.is_local
        """;
    private const string ChannelSql = "SELECT id, name, COALESCE(is_dm, false) AS isdm, encryption_type AS encryptiontype FROM channels WHERE id = @Id";
    private const string UserSql = "SELECT id, username, server_domain AS serverdomain, COALESCE(is_local, true) AS islocal FROM users WHERE id = @Id";
    private const string LocalMembersSql = """
        SELECT u.id, u.username, u.server_domain AS serverdomain, true AS islocal
        FROM channel_members m JOIN users u ON u.id = m.user_id
        WHERE m.channel_id = @ChannelId AND u.is_local
        ORDER BY (u.id = (SELECT created_by FROM channels WHERE id = @ChannelId)) DESC, m.joined_at, u.id
        """;
    private const string RemoteEnvelopesSql = """
        SELECT e.recipient_device_id AS recipientdeviceid, e.envelope, e.sender_key_public AS senderkeypublic
        FROM sender_key_envelopes e
        WHERE e.channel_id = @ChannelId AND e.sender_device_id = @DeviceId
          AND NOT EXISTS (SELECT 1 FROM devices d WHERE d.id = e.recipient_device_id)
        """;
    private const string DeviceKeysSql = """
        SELECT k.identity_key AS identitykey, k.signing_key AS signingkey, k.signed_pre_key AS signedprekey,
               k.signed_pre_key_signature AS signedprekeysignature
        FROM device_keys k JOIN devices d ON d.id = k.device_id
        WHERE k.device_id = @DeviceId AND d.user_id = @UserId
        """;

    public Task<IReadOnlyList<string>> RemoteDomainsAsync(Guid channelId, CancellationToken ct) =>
        QueryListAsync<string>(RemoteDomainsSql, new { ChannelId = channelId }, ct);

    internal Task<LocalMessage?> LocalMessageAsync(Guid id, CancellationToken ct) => QuerySingleAsync<LocalMessage>(LocalMessageSql, new { Id = id }, ct);

    internal Task<RelayChannel?> ChannelAsync(Guid id, CancellationToken ct) => QuerySingleAsync<RelayChannel>(ChannelSql, new { Id = id }, ct);

    internal Task<RelayUser?> UserAsync(Guid id, CancellationToken ct) => QuerySingleAsync<RelayUser>(UserSql, new { Id = id }, ct);

    /// <summary>Local members, the channel's creator first (the reference's inviter is the adding member; events do not name them).</summary>
    internal Task<IReadOnlyList<RelayUser>> LocalMembersAsync(Guid channelId, CancellationToken ct) =>
        QueryListAsync<RelayUser>(LocalMembersSql, new { ChannelId = channelId }, ct);

    public Task<IReadOnlyList<RemoteEnvelope>> RemoteEnvelopesAsync(Guid channelId, Guid deviceId, CancellationToken ct) =>
        QueryListAsync<RemoteEnvelope>(RemoteEnvelopesSql, new { ChannelId = channelId, DeviceId = deviceId }, ct);

    /// <summary>The device's current bundle keys, or null when the device or its bundle is gone.</summary>
    internal Task<RelayDeviceKeys?> DeviceKeysAsync(Guid userId, Guid deviceId, CancellationToken ct) =>
        QuerySingleAsync<RelayDeviceKeys>(DeviceKeysSql, new { UserId = userId, DeviceId = deviceId }, ct);

    private async Task<T?> QuerySingleAsync<T>(string sql, object args, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<T>(new CommandDefinition(sql, args, cancellationToken: ct));
    }

    private async Task<IReadOnlyList<T>> QueryListAsync<T>(string sql, object args, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<T>(new CommandDefinition(sql, args, cancellationToken: ct))).ToList();
    }
}
