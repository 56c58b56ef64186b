using D3Chat.Core.Attachments;
using D3Chat.Core.Data;
using Dapper;
using Npgsql;

namespace D3Chat.Core.Messages;

/// <summary>SQL of the <c>messages</c> table (and the attachment rows a message shows).</summary>
public sealed class MessageStore(NpgsqlDataSource dataSource)
{
    // sender_device_id falls back to remote_sender_device_id (0006), the sending device of a message received through federation.
    private const string SelectWithReply = """
        SELECT m.id, m.channel_id, m.sender_id, COALESCE(m.sender_device_id, m.remote_sender_device_id) AS sender_device_id, m.content, m.content_type, m.protocol_version,
               m.reply_to_id, m.edited_at, m.created_at,
               r.id AS reply_id, r.sender_id AS reply_sender_id, r.content AS reply_content,
               r.content_type AS reply_content_type, r.protocol_version AS reply_protocol_version
        FROM messages m LEFT JOIN messages r ON r.id = m.reply_to_id
        """;
    private const string InsertSql = """
        INSERT INTO messages (id, channel_id, sender_id, sender_device_id, content, content_type, protocol_version, reply_to_id, created_at)
        VALUES (@Id, @ChannelId, @SenderId, @SenderDeviceId, @Content, @ContentType, @ProtocolVersion, @ReplyToId, @CreatedAt)
        """;
    private const string GetSql = $"{SelectWithReply} WHERE m.id = @Id";
    // Claims a client id for the message about to be inserted (migration 0014). A live row (younger
    // than the window) conflicts and the call raises ClientIdTaken: the send is a retry. An expired row
    // is taken over. Concurrent claims of one id wait on the primary key, so exactly one succeeds.
    private const string ClaimClientIdSql = "SELECT claim_client_message_id(@ChannelId, @SenderId, @ClientMessageId, @MessageId, @Now, @NotBefore)";

    /// <summary>The SQLSTATE a lost client-id claim raises (its whole batch or transaction keeps nothing).</summary>
    public const string ClientIdTakenSqlState = "D3C01";

    // Batched, so one pass never holds a long lock over a large table; the next pass takes the rest.
    private const string DeleteOlderThanSql = """
        DELETE FROM messages WHERE id IN (SELECT id FROM messages WHERE created_at < @Before LIMIT @Limit)
        """;
    private const string DeleteExpiredClientIdsSql = "DELETE FROM message_client_ids WHERE created_at < @NotBefore";
    private const string ClientIdMessageSql = """
        SELECT message_id FROM message_client_ids
        WHERE channel_id = @ChannelId AND sender_id = @SenderId AND client_message_id = @ClientMessageId
        """;
    // Pages read newest first on ix_messages_channel_created_id and are reversed by the caller.
    private const string PageOrder = " ORDER BY m.created_at DESC, m.id DESC LIMIT @Take";
    private const string PageSql = $"{SelectWithReply} WHERE m.channel_id = @ChannelId{PageOrder}";
    private const string PageBeforeSql = $"{SelectWithReply} WHERE m.channel_id = @ChannelId AND m.created_at < @Before{PageOrder}";
    private const string PageBeforeKeySql = $"{SelectWithReply} WHERE m.channel_id = @ChannelId AND (m.created_at, m.id) < (@Before, @BeforeId){PageOrder}";
    // Only the sender, and only while a member: a leave committed after the service's check still wins.
    private const string SenderIsMember = """
        sender_id = @SenderId AND EXISTS (SELECT 1 FROM channel_members cm WHERE cm.channel_id = messages.channel_id AND cm.user_id = @SenderId)
        """;
    private const string UpdateContentSql = $"UPDATE messages SET content = @Content, edited_at = @EditedAt WHERE id = @Id AND {SenderIsMember}";
    private const string DeleteSql = $"DELETE FROM messages WHERE id = @Id AND {SenderIsMember}";
    private const string AttachmentColumns = """
        id, message_id, channel_id, uploader_id, filename, content_type, size_bytes, storage_path, thumbnail_path, width, height, created_at
        """;
    // Only this channel's attachments that no message claimed yet, uploaded by the sender; others are ignored (spec §7.2).
    private const string LinkAttachmentsSql = $"""
        UPDATE attachments SET message_id = @MessageId
        WHERE id = ANY(@Ids) AND channel_id = @ChannelId AND message_id IS NULL AND uploader_id = @UploaderId
        RETURNING {AttachmentColumns}
        """;
    private const string AttachmentsOfSql = $"""
        SELECT {AttachmentColumns} FROM attachments WHERE message_id = ANY(@Ids) ORDER BY created_at, id
        """;

    /// <summary>Adds the message's INSERT to the transaction's batch.</summary>
    internal static void Insert(SqlBatch batch, MessageRow message) =>
        batch.Add(InsertSql,
            SqlBatch.Parameter("Id", message.Id),
            SqlBatch.Parameter("ChannelId", message.ChannelId),
            SqlBatch.Parameter("SenderId", message.SenderId),
            SqlBatch.Parameter("SenderDeviceId", message.SenderDeviceId),
            SqlBatch.Parameter("Content", message.Content),
            SqlBatch.Parameter("ContentType", message.ContentType),
            SqlBatch.Parameter("ProtocolVersion", message.ProtocolVersion),
            SqlBatch.Parameter("ReplyToId", message.ReplyToId),
            SqlBatch.Parameter("CreatedAt", new DateTimeOffset(message.CreatedAt, TimeSpan.Zero)));

    /// <summary>
    /// Adds the claim of <paramref name="clientMessageId"/> for <paramref name="messageId"/> to the
    /// transaction's batch. When a send within <paramref name="notBefore"/> holds it, sending the batch
    /// fails with <see cref="ClientIdTakenSqlState"/> (<see cref="IsClientIdTaken"/>) and nothing of it stays.
    /// </summary>
    public static void ClaimClientId(SqlBatch batch, Guid channelId, Guid senderId, string clientMessageId, Guid messageId,
        DateTimeOffset now, DateTimeOffset notBefore) =>
        batch.Add(ClaimClientIdSql,
            SqlBatch.Parameter("ChannelId", channelId),
            SqlBatch.Parameter("SenderId", senderId),
            SqlBatch.Parameter("ClientMessageId", clientMessageId),
            SqlBatch.Parameter("MessageId", messageId),
            SqlBatch.Parameter("Now", now),
            SqlBatch.Parameter("NotBefore", notBefore));

    /// <summary>True for the failure of a batch whose client-id claim found the id taken.</summary>
    public static bool IsClientIdTaken(Exception exception) => exception is PostgresException { SqlState: ClientIdTakenSqlState };

    /// <summary>The message a client id names, if any (read after the claiming transaction committed).</summary>
    public async Task<Guid?> MessageOfClientIdAsync(Guid channelId, Guid senderId, string clientMessageId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(ClientIdMessageSql,
            new { ChannelId = channelId, SenderId = senderId, ClientMessageId = clientMessageId }, cancellationToken: ct));
    }

    internal async Task<MessageRow?> GetAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await GetAsync(connection, id, ct);
    }

    /// <summary>As <see cref="GetAsync(Guid, CancellationToken)"/>, on the caller's connection.</summary>
    internal Task<MessageRow?> GetAsync(NpgsqlConnection connection, Guid id, CancellationToken ct) =>
        connection.QuerySingleOrDefaultAsync<MessageRow>(new CommandDefinition(GetSql, new { Id = id }, cancellationToken: ct));

    /// <summary>Up to <paramref name="take"/> messages before the cursor, newest first.</summary>
    internal async Task<IReadOnlyList<MessageRow>> PageAsync(Guid channelId, PageQuery query, int take, CancellationToken ct)
    {
        var sql = query.Before is null ? PageSql : query.BeforeId is null ? PageBeforeSql : PageBeforeKeySql;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<MessageRow>(new CommandDefinition(sql, new
        {
            ChannelId = channelId,
            Before = query.Before?.ToUniversalTime(),
            query.BeforeId,
            Take = take,
        }, cancellationToken: ct))).ToList();
    }

    /// <summary>Returns rows changed: 0 when the message was deleted meanwhile or its sender is no longer a member.</summary>
    public Task<int> UpdateContentAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid id, Guid senderId, string content, DateTimeOffset editedAt, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(UpdateContentSql, new { Id = id, SenderId = senderId, Content = content, EditedAt = editedAt }, transaction, cancellationToken: ct));

    /// <summary>Returns rows deleted: 0 when another request deleted it first or its sender is no longer a member.</summary>
    public Task<int> DeleteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid id, Guid senderId, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(DeleteSql, new { Id = id, SenderId = senderId }, transaction, cancellationToken: ct));

    /// <summary>
    /// Adds the linking of the caller's pending attachments of the channel to the message to the
    /// transaction's batch; once sent, its rows are those linked. Null when there is nothing to link.
    /// </summary>
    public static SqlRows<Attachment>? LinkAttachments(SqlBatch batch, Guid messageId, Guid channelId, Guid uploaderId, IReadOnlyList<Guid> ids) =>
        ids.Count == 0
            ? null
            : batch.Query<Attachment>(LinkAttachmentsSql,
                SqlBatch.Parameter("MessageId", messageId),
                SqlBatch.Parameter("ChannelId", channelId),
                SqlBatch.Parameter("UploaderId", uploaderId),
                SqlBatch.Parameter("Ids", ids.Distinct().ToArray()));

    /// <summary>Attachments of the given messages, grouped by message id.</summary>
    public async Task<ILookup<Guid, Attachment>> AttachmentsOfAsync(IReadOnlyList<Guid> messageIds, CancellationToken ct)
    {
        if (messageIds.Count == 0)
        {
            return Array.Empty<Attachment>().ToLookup(a => a.MessageId ?? Guid.Empty);
        }
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<Attachment>(new CommandDefinition(AttachmentsOfSql, new { Ids = messageIds.ToArray() }, cancellationToken: ct));
        return rows.ToLookup(a => a.MessageId ?? Guid.Empty);
    }

    /// <summary>Forgets client message ids older than <paramref name="notBefore"/> (past the idempotency window); returns rows deleted.</summary>
    public async Task<int> DeleteExpiredClientIdsAsync(DateTimeOffset notBefore, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(DeleteExpiredClientIdsSql, new { NotBefore = notBefore }, cancellationToken: ct));
    }

    /// <summary>Deletes up to <paramref name="limit"/> messages created before <paramref name="before"/> (message retention); returns rows deleted.</summary>
    public async Task<int> DeleteOlderThanAsync(DateTimeOffset before, int limit, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(DeleteOlderThanSql, new { Before = before, Limit = limit }, cancellationToken: ct));
    }
}
