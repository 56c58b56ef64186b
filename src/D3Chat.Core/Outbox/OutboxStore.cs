using Dapper;
using D3Chat.Core.Data;
using D3Chat.Core.Queue;
using Npgsql;

namespace D3Chat.Core.Outbox;

/// <summary>
/// The <c>outbox</c> table: channel events written with the change they describe (decision 4), and
/// <c>outbox_dead_letters</c>, where an event goes after too many failed publishes.
/// </summary>
public sealed class OutboxStore(NpgsqlDataSource dataSource) : IStoredChannelEvents
{
    private const string InsertSql = """
        INSERT INTO outbox (id, event_type, payload, created_at, next_attempt_at)
        VALUES (@Id, @Type, CAST(@Payload AS jsonb), @CreatedAt, @CreatedAt)
        """;
    private const string InsertManySql = """
        INSERT INTO outbox (id, event_type, payload, created_at, next_attempt_at)
        SELECT id, type, CAST(payload AS jsonb), created_at, created_at FROM unnest(@Ids, @Types, @Payloads, @CreatedAts) AS e(id, type, payload, created_at)
        """;
    private const string MarkSentSql = "UPDATE outbox SET sent_at = @SentAt, attempts = attempts + 1 WHERE id = ANY(@Ids)";
    private const string RecordFailedAttemptSql = """
        UPDATE outbox SET attempts = attempts + 1, last_error = @Error,
            next_attempt_at = @Now + make_interval(secs => LEAST(@MaxDelaySeconds, @BaseSeconds * power(2, attempts)))
        WHERE id = @Id AND sent_at IS NULL
        RETURNING attempts
        """;
    private const string MoveToDeadLettersSql = """
        WITH moved AS (DELETE FROM outbox WHERE id = @Id AND sent_at IS NULL RETURNING *)
        INSERT INTO outbox_dead_letters (id, event_type, payload, created_at, attempts, last_error, dead_at)
        SELECT id, event_type, payload, created_at, attempts, COALESCE(@Error, last_error), @Now FROM moved
        ON CONFLICT (id) DO NOTHING
        """;
    private const string ListDueSql = """
        SELECT id, payload::text AS payload FROM outbox
        WHERE sent_at IS NULL AND next_attempt_at <= @Now
        ORDER BY next_attempt_at
        LIMIT @Limit
        """;
    private const string GetPayloadSql = "SELECT payload::text FROM outbox WHERE id = @Id";
    private const string ListDeadLettersSql = """
        SELECT id, event_type AS eventtype, created_at AS createdat, attempts, last_error AS lasterror, dead_at AS deadat
        FROM outbox_dead_letters ORDER BY dead_at DESC, id LIMIT @Limit
        """;
    private const string RetryDeadLetterSql = """
        WITH revived AS (DELETE FROM outbox_dead_letters WHERE id = @Id RETURNING *)
        INSERT INTO outbox (id, event_type, payload, created_at, attempts, next_attempt_at)
        SELECT id, event_type, payload, created_at, 0, @Now FROM revived
        ON CONFLICT (id) DO NOTHING
        RETURNING id
        """;

    private const string DeleteSentSql = """
        DELETE FROM outbox
        WHERE sent_at < @ReferencedBefore OR (sent_at < @InlineBefore AND octet_length(payload::text) <= @InlineBytes)
        """;
    private const string DeleteOldDeadLettersSql = "DELETE FROM outbox_dead_letters WHERE dead_at < @Before";
    private static readonly string[] ScrubSql = [.. ScrubStatements("outbox"), .. ScrubStatements("outbox_dead_letters")];

    /// <summary>
    /// Message events carry the message's content and a reply's quoted content. Once a message is
    /// deleted or edited, its old content must leave the events too: events of deleted messages go,
    /// quotes of deleted messages become null, and edited content is replaced by the current one.
    /// </summary>
    private static string[] ScrubStatements(string table) =>
    [
        $$"""
        DELETE FROM {{table}} e WHERE e.event_type IN ('message.new', 'message.edit')
          AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = try_uuid(e.payload #>> '{data,message,id}'))
        """,
        $$"""
        UPDATE {{table}} e SET payload = jsonb_set(e.payload, '{data,message,content}', to_jsonb(m.content))
        FROM messages m
        WHERE e.event_type IN ('message.new', 'message.edit') AND m.id = try_uuid(e.payload #>> '{data,message,id}')
          AND e.payload #>> '{data,message,content}' IS DISTINCT FROM m.content
        """,
        $$"""
        UPDATE {{table}} e SET payload = jsonb_set(e.payload, '{data,message,reply_to}', 'null')
        WHERE e.event_type = 'message.new' AND jsonb_typeof(e.payload #> '{data,message,reply_to}') = 'object'
          AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = try_uuid(e.payload #>> '{data,message,reply_to,id}'))
        """,
        $$"""
        UPDATE {{table}} e SET payload = jsonb_set(e.payload, '{data,message,reply_to,content}', to_jsonb(m.content))
        FROM messages m
        WHERE e.event_type = 'message.new' AND m.id = try_uuid(e.payload #>> '{data,message,reply_to,id}')
          AND e.payload #>> '{data,message,reply_to,content}' IS DISTINCT FROM m.content
        """,
    ];

    /// <summary>The longest wait between two attempts.</summary>
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(30);

    /// <summary>Adds the event's INSERT to the caller's transaction batch, so it commits or rolls back with the change.</summary>
    public static void Insert(SqlBatch batch, ChannelEvent channelEvent) =>
        batch.Add(InsertSql,
            SqlBatch.Parameter("Id", channelEvent.Id),
            SqlBatch.Parameter("Type", channelEvent.Type),
            SqlBatch.Parameter("Payload", channelEvent.ToJson()),
            SqlBatch.Parameter("CreatedAt", channelEvent.OccurredAt));

    /// <summary>As <see cref="Insert"/> for several events, in one statement (a received batch's messages).</summary>
    public static void InsertAll(SqlBatch batch, IReadOnlyList<ChannelEvent> channelEvents) =>
        batch.Add(InsertManySql,
            SqlBatch.Parameter("Ids", channelEvents.Select(e => e.Id).ToArray()),
            SqlBatch.Parameter("Types", channelEvents.Select(e => e.Type).ToArray()),
            SqlBatch.Parameter("Payloads", channelEvents.Select(e => e.ToJson()).ToArray()),
            SqlBatch.Parameter("CreatedAts", channelEvents.Select(e => e.OccurredAt).ToArray()));

    /// <summary>Marks published events sent, all in one statement.</summary>
    public async Task MarkSentAsync(IReadOnlyCollection<Guid> ids, DateTimeOffset sentAt, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return;
        }
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(MarkSentSql, new { Ids = ids.ToArray(), SentAt = sentAt }, cancellationToken: ct));
    }

    /// <summary>
    /// Counts a failed publish and schedules the next one (base × 2^failures, capped); returns the
    /// attempts so far, or null when the row is gone or already sent.
    /// </summary>
    public async Task<int?> RecordFailedAttemptAsync(Guid id, string error, DateTimeOffset now, TimeSpan retryBase, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<int?>(new CommandDefinition(RecordFailedAttemptSql, new
        {
            Id = id,
            Error = Truncate(error),
            Now = now,
            BaseSeconds = retryBase.TotalSeconds,
            MaxDelaySeconds = MaxRetryDelay.TotalSeconds,
        }, cancellationToken: ct));
    }

    /// <summary>Moves an unsent event to the dead letters (one statement, so it is in exactly one table).</summary>
    public async Task MoveToDeadLettersAsync(Guid id, string? error, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(MoveToDeadLettersSql, new { Id = id, Error = error is null ? null : Truncate(error), Now = now }, cancellationToken: ct));
    }

    /// <summary>Unsent events whose next attempt is due, the longest-waiting first. Rows that do not parse are returned with a null event.</summary>
    internal async Task<IReadOnlyList<DueOutboxRow>> ListDueAsync(DateTimeOffset now, int limit, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<(Guid Id, string Payload)>(new CommandDefinition(
            ListDueSql, new { Now = now, Limit = limit }, cancellationToken: ct));
        return rows.Select(r => new DueOutboxRow(r.Id, ChannelEvent.TryParse(r.Payload))).ToList();
    }

    /// <summary>The stored event with this id (a consumer resolving a reference), or null when its row is gone.</summary>
    public async Task<ChannelEvent?> GetEventAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var payload = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(GetPayloadSql, new { Id = id }, cancellationToken: ct));
        return payload is null ? null : ChannelEvent.TryParse(payload);
    }

    internal async Task<IReadOnlyList<OutboxDeadLetter>> ListDeadLettersAsync(int limit, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<OutboxDeadLetter>(new CommandDefinition(ListDeadLettersSql, new { Limit = limit }, cancellationToken: ct))).ToList();
    }

    /// <summary>Puts a dead letter back in the outbox, due now with a fresh attempt count; false when there is no such dead letter.</summary>
    public async Task<bool> RetryDeadLetterAsync(Guid id, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(RetryDeadLetterSql, new { Id = id, Now = now }, cancellationToken: ct)) is not null;
    }

    /// <summary>
    /// Deletes published events: those that fit any queue inline after <paramref name="inlineBefore"/>,
    /// the rest (possibly sent by reference, so a consumer may still load them) after
    /// <paramref name="referencedBefore"/>. Returns rows deleted.
    /// </summary>
    public async Task<int> DeleteSentAsync(DateTimeOffset inlineBefore, DateTimeOffset referencedBefore, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(DeleteSentSql, new
        {
            InlineBefore = inlineBefore,
            ReferencedBefore = referencedBefore,
            // jsonb's text is never shorter than the published JSON, so this errs towards keeping a row.
            InlineBytes = ChannelEventReferences.StorageQueueInlineBytes,
        }, cancellationToken: ct));
    }

    public async Task<int> DeleteDeadLettersAsync(DateTimeOffset deadBefore, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(DeleteOldDeadLettersSql, new { Before = deadBefore }, cancellationToken: ct));
    }

    /// <summary>Removes the old content of deleted and edited messages from the outbox and its dead letters; returns rows changed.</summary>
    public async Task<int> ScrubChangedMessagesAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var changed = 0;
        foreach (var sql in ScrubSql)
        {
            changed += await connection.ExecuteAsync(new CommandDefinition(sql, cancellationToken: ct));
        }
        return changed;
    }

    private static string Truncate(string error) => error.Length <= 500 ? error : error[..500];
}

/// <summary>An outbox row due for a publish; <see cref="Event"/> is null when its payload is not a channel event.</summary>
internal sealed record DueOutboxRow(Guid Id, ChannelEvent? Event);

/// <summary>A dead-lettered outbox event as admins see it (without its payload).</summary>
internal sealed record OutboxDeadLetter(Guid Id, string EventType, DateTime CreatedAt, int Attempts, string? LastError, DateTime DeadAt);
