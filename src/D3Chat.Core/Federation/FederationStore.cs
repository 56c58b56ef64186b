using D3Chat.Core.Channels;
using D3Chat.Core.Users;
using Dapper;
using Npgsql;

namespace D3Chat.Core.Federation;

/// <summary>A channel as the inbox needs it.</summary>
public sealed record FederatedChannel(Guid Id, string? Name, bool IsDm, bool IsFederated, string? EncryptionType, Guid? CreatedBy, DateTime CreatedAt);

/// <summary>A message received through federation, before insert.</summary>
internal sealed record RemoteMessage(
    Guid Id, Guid ChannelId, Guid SenderId, Guid? RemoteSenderDeviceId, string Content, string ContentType,
    int ProtocolVersion, string OriginServer, string OriginMessageId, DateTimeOffset CreatedAt);

/// <summary>A stored copy of a remote message, found by its origin id, with what an edit must respect.</summary>
internal sealed record StoredRemoteMessage(Guid Id, Guid ChannelId, int ProtocolVersion, string? EncryptionType);

/// <summary>
/// Materialisation of remote users, channels, memberships, messages and sender-key envelopes
/// (spec federation.md §7): the federation inbox's own aggregate. Every method joins the caller's
/// transaction so one event commits together with its outbox row.
/// </summary>
public sealed class FederationStore(NpgsqlDataSource dataSource, UserStore users, ChannelStore channels)
{
    // Local users by is_local alone (they keep the domain they were created under); remote ones by (name, domain).
    private const string FindUserSql = "SELECT id FROM users WHERE username = @Username AND is_local = @IsLocal AND (@IsLocal OR server_domain = @Domain)";
    private const string FindChannelSql = """
        SELECT id, name, COALESCE(is_dm, false) AS isdm, COALESCE(is_federated, false) AS isfederated,
               encryption_type AS encryptiontype, created_by AS createdby, created_at AS createdat
        FROM channels WHERE id = @Id
        """;
    private const string InsertChannelSql = """
        INSERT INTO channels (id, name, is_dm, is_federated, created_by, encryption_type, created_at, is_public)
        VALUES (@Id, @Name, false, true, NULL, @EncryptionType, @Now, false)
        ON CONFLICT (id) DO NOTHING
        """;
    // A peer speaks only for its own users' devices: one of our devices, or a device recorded for
    // another user, is never the sender's (an unknown id may be a device not yet announced).
    private const string IsOtherOwnersDeviceSql = """
        SELECT EXISTS (SELECT 1 FROM devices WHERE id = @DeviceId)
            OR EXISTS (SELECT 1 FROM remote_devices WHERE device_id = @DeviceId AND user_id <> @UserId)
        """;
    private const string HasMemberFromSql = """
        SELECT EXISTS (SELECT 1 FROM channel_members m JOIN users u ON u.id = m.user_id
                       WHERE m.channel_id = @ChannelId AND u.server_domain = @Domain AND u.is_local = false)
        """;
    // No conflict target: the unique index on (origin_server, origin_message_id) is partial, and a
    // conflict on it is exactly the duplicate that must be skipped.
    private const string InsertMessageSql = """
        INSERT INTO messages (id, channel_id, sender_id, remote_sender_device_id, content, content_type, protocol_version,
                              origin_server, origin_message_id, created_at)
        VALUES (@Id, @ChannelId, @SenderId, @RemoteSenderDeviceId, @Content, @ContentType, @ProtocolVersion,
                @OriginServer, @OriginMessageId, @CreatedAt)
        ON CONFLICT DO NOTHING
        """;
    // A run of received messages in one statement, in order; a row whose origin message is already
    // stored is skipped (as by InsertMessageSql), and RETURNING names the rows inserted.
    private const string InsertMessagesSql = """
        INSERT INTO messages (id, channel_id, sender_id, remote_sender_device_id, content, content_type, protocol_version,
                              origin_server, origin_message_id, created_at)
        SELECT * FROM unnest(@Ids, @ChannelIds, @SenderIds, @RemoteSenderDeviceIds, @Contents, @ContentTypes, @ProtocolVersions,
                             @OriginServers, @OriginMessageIds, @CreatedAts)
        ON CONFLICT DO NOTHING
        RETURNING id
        """;
    private const string FindByOriginSql = """
        SELECT m.id, m.channel_id AS channelid, COALESCE(m.protocol_version, 1) AS protocolversion, c.encryption_type AS encryptiontype
        FROM messages m JOIN channels c ON c.id = m.channel_id
        WHERE m.origin_server = @Origin AND m.origin_message_id = @OriginMessageId
        """;
    private const string UpdateContentSql = "UPDATE messages SET content = @Content, edited_at = @EditedAt WHERE id = @Id";
    private const string DeleteMessageSql = "DELETE FROM messages WHERE id = @Id";
    // Only for a local device of a current member: a peer cannot plant envelopes for anyone else.
    private const string UpsertEnvelopeSql = """
        INSERT INTO sender_key_envelopes (channel_id, sender_device_id, recipient_device_id, sender_user_id, sender_key_public, envelope, created_at)
        SELECT @ChannelId, @SenderDeviceId, d.id, @SenderUserId, @SenderKeyPublic, @Envelope, @Now
        FROM devices d JOIN channel_members m ON m.user_id = d.user_id AND m.channel_id = @ChannelId
        WHERE d.id = @RecipientDeviceId
        ON CONFLICT (channel_id, recipient_device_id, sender_device_id) DO UPDATE SET
            sender_user_id = EXCLUDED.sender_user_id, sender_key_public = EXCLUDED.sender_key_public,
            envelope = EXCLUDED.envelope, created_at = EXCLUDED.created_at
        """;

    public async Task<(NpgsqlConnection Connection, NpgsqlTransaction Transaction)> BeginAsync(CancellationToken ct)
    {
        var connection = await dataSource.OpenConnectionAsync(ct);
        return (connection, await connection.BeginTransactionAsync(ct));
    }

    /// <summary>The stub row of a remote user, created on first sight (is_local false, no password, role user).</summary>
    public async Task<Guid> GetOrCreateRemoteUserAsync(NpgsqlConnection c, NpgsqlTransaction tx, string username, string domain, DateTimeOffset now, CancellationToken ct)
    {
        await users.InsertRemoteAsync(c, tx, username, domain, now, ct);
        return await FindUserAsync(c, tx, username, domain, isLocal: false, ct)
            ?? throw new InvalidOperationException("A local user holds a remote user's name and domain.");
    }

    public Task<Guid?> FindUserAsync(NpgsqlConnection c, NpgsqlTransaction tx, string username, string domain, bool isLocal, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(FindUserSql, new { Username = username, Domain = domain, IsLocal = isLocal }, tx, cancellationToken: ct));

    public Task<FederatedChannel?> FindChannelAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<FederatedChannel?>(new CommandDefinition(FindChannelSql, new { Id = id }, tx, cancellationToken: ct));

    /// <summary>Creates the local copy of a remote channel with the origin's id; private, created_by NULL.</summary>
    public Task InsertChannelAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, string? name, string encryptionType, DateTimeOffset now, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(InsertChannelSql, new { Id = id, Name = name, EncryptionType = encryptionType, Now = now }, tx, cancellationToken: ct));

    // Memberships are ChannelStore's; these keep the inbox handlers' one-store view of a transaction.
    public Task MarkFederatedAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, CancellationToken ct) =>
        channels.MarkFederatedAsync(c, tx, id, ct);

    public Task<bool> AddMemberAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid channelId, Guid userId, DateTimeOffset now, CancellationToken ct) =>
        channels.AddMemberAsync(c, tx, channelId, userId, ChannelRoles.Member, now, ct);

    public Task<bool> RemoveMemberAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid channelId, Guid userId, CancellationToken ct) =>
        channels.RemoveMemberAsync(c, tx, channelId, userId, ct);

    public Task<bool> IsMemberAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid channelId, Guid userId, CancellationToken ct) =>
        channels.IsMemberAsync(c, tx, channelId, userId, ct);

    /// <summary>True when <paramref name="deviceId"/> is a local device or a remote device of a user other than <paramref name="userId"/>.</summary>
    public Task<bool> IsOtherOwnersDeviceAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid deviceId, Guid userId, CancellationToken ct) =>
        c.ExecuteScalarAsync<bool>(new CommandDefinition(IsOtherOwnersDeviceSql, new { DeviceId = deviceId, UserId = userId }, tx, cancellationToken: ct));

    /// <summary>True when some user of <paramref name="domain"/> is a member: the channel is federated with that peer.</summary>
    public Task<bool> HasMemberFromAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid channelId, string domain, CancellationToken ct) =>
        c.ExecuteScalarAsync<bool>(new CommandDefinition(HasMemberFromSql, new { ChannelId = channelId, Domain = domain }, tx, cancellationToken: ct));

    /// <summary>Inserts a received message; false when this origin message is already stored.</summary>
    internal async Task<bool> InsertMessageAsync(NpgsqlConnection c, NpgsqlTransaction tx, RemoteMessage message, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition(InsertMessageSql, message, tx, cancellationToken: ct)) == 1;

    /// <summary>Inserts received messages in one statement; returns the ids of those stored (not already here by origin).</summary>
    internal async Task<IReadOnlySet<Guid>> InsertMessagesAsync(NpgsqlConnection c, NpgsqlTransaction tx, IReadOnlyList<RemoteMessage> messages, CancellationToken ct) =>
        (await c.QueryAsync<Guid>(new CommandDefinition(InsertMessagesSql, new
        {
            Ids = messages.Select(m => m.Id).ToArray(),
            ChannelIds = messages.Select(m => m.ChannelId).ToArray(),
            SenderIds = messages.Select(m => m.SenderId).ToArray(),
            RemoteSenderDeviceIds = messages.Select(m => m.RemoteSenderDeviceId).ToArray(),
            Contents = messages.Select(m => m.Content).ToArray(),
            ContentTypes = messages.Select(m => m.ContentType).ToArray(),
            ProtocolVersions = messages.Select(m => m.ProtocolVersion).ToArray(),
            OriginServers = messages.Select(m => m.OriginServer).ToArray(),
            OriginMessageIds = messages.Select(m => m.OriginMessageId).ToArray(),
            CreatedAts = messages.Select(m => m.CreatedAt).ToArray(),
        }, tx, cancellationToken: ct))).ToHashSet();

    internal Task<StoredRemoteMessage?> FindByOriginAsync(NpgsqlConnection c, NpgsqlTransaction tx, string origin, string originMessageId, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<StoredRemoteMessage?>(new CommandDefinition(FindByOriginSql, new { Origin = origin, OriginMessageId = originMessageId }, tx, cancellationToken: ct));

    public Task UpdateContentAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, string content, DateTimeOffset editedAt, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(UpdateContentSql, new { Id = id, Content = content, EditedAt = editedAt }, tx, cancellationToken: ct));

    public Task DeleteMessageAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(DeleteMessageSql, new { Id = id }, tx, cancellationToken: ct));

    /// <summary>Stores one opaque envelope when its recipient is a local device of a member; returns whether it was stored.</summary>
    public async Task<bool> UpsertEnvelopeAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid channelId, Guid senderDeviceId, Guid senderUserId,
        string senderKeyPublic, Guid recipientDeviceId, string envelope, DateTimeOffset now, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition(UpsertEnvelopeSql, new
        {
            ChannelId = channelId, SenderDeviceId = senderDeviceId, SenderUserId = senderUserId, SenderKeyPublic = senderKeyPublic,
            RecipientDeviceId = recipientDeviceId, Envelope = envelope, Now = now,
        }, tx, cancellationToken: ct)) == 1;
}
