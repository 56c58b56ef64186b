using Dapper;
using Npgsql;

namespace D3Chat.Core.Federation;

/// <summary>One pending delivery of a federation event to one destination.</summary>
public sealed record Delivery(string EventId, string Destination, string EventType, string Body, DateTime CreatedAt, int Attempts);

/// <summary>A delivery to insert; a message's rows name the join of their sender (<see cref="DeliveryStore.EnqueueAsync"/>).</summary>
internal sealed record DeliveryRow(string EventId, string Destination, string EventType, string Body, DateTimeOffset? OccurredAt = null, SenderJoin? SenderJoin = null);

/// <summary>Per-peer delivery state for operators.</summary>
public sealed record PeerStatus(
    string Domain, DateTime? LastSuccessAt, DateTime? LastFailureAt, int ConsecutiveFailures, DateTime? BackoffUntil, long Queued, long DeadLetters);

/// <summary>
/// SQL of <c>federation_deliveries</c> (one row per event and destination) and <c>federation_peers</c>
/// (per-destination backoff state). A row is claimed by moving its <c>next_attempt_at</c> past a lease,
/// so the queue handler's immediate attempt and the retry timer never send the same row at once.
/// Also <c>federation_sender_joins</c>, which only exists to order a sender's join before their messages.
/// </summary>
public sealed class DeliveryStore(NpgsqlDataSource dataSource)
{
    private const string Columns = "event_id AS eventid, destination, event_type AS eventtype, body, created_at AS createdat, attempts";
    private const string InsertSql = $"""
        INSERT INTO federation_deliveries (event_id, destination, event_type, body, created_at, next_attempt_at, occurred_at)
        VALUES (@EventId, @Destination, @EventType, @Body, @Now, @LeaseUntil, @OccurredAt)
        ON CONFLICT (event_id, destination) DO NOTHING
        RETURNING {Columns}
        """;
    // Serialises the decision per (channel, sender, destination): the statements after it see the
    // committed join rows of a concurrent enqueue of the same sender's message.
    private const string LockSenderJoinSql = "SELECT pg_advisory_xact_lock(hashtextextended(@ChannelId::text || '/' || @Username || '/' || @Destination, 0))";
    // Records this message's join as the sender's latest, unless the previous one was acknowledged (its row is gone).
    private const string ClaimSenderJoinSql = """
        INSERT INTO federation_sender_joins (channel_id, username, destination, join_event_id)
        VALUES (@ChannelId, @Username, @Destination, @JoinEventId)
        ON CONFLICT (channel_id, username, destination) DO UPDATE SET join_event_id = EXCLUDED.join_event_id
        WHERE EXISTS (SELECT 1 FROM federation_deliveries d
                      WHERE d.event_id = federation_sender_joins.join_event_id AND d.destination = federation_sender_joins.destination)
        RETURNING join_event_id
        """;
    // A relayed leave ends the membership there: a later rejoin's messages must bring a join again.
    private const string ForgetSenderJoinSql = """
        DELETE FROM federation_sender_joins
        WHERE destination = @Destination AND channel_id = try_uuid(@Body::jsonb ->> 'channel_id') AND username = @Body::jsonb ->> 'username'
        """;
    private const string ClaimDueSql = $"""
        UPDATE federation_deliveries d SET next_attempt_at = @LeaseUntil
        FROM (
            SELECT event_id, destination FROM federation_deliveries f
            WHERE f.dead_at IS NULL AND f.next_attempt_at <= @Now
              AND NOT EXISTS (SELECT 1 FROM federation_peers p WHERE p.domain = f.destination AND p.backoff_until > @Now)
            ORDER BY f.occurred_at NULLS FIRST, f.seq
            LIMIT @Limit
            FOR UPDATE SKIP LOCKED
        ) due
        WHERE d.event_id = due.event_id AND d.destination = due.destination
        RETURNING d.occurred_at AS occurredat, d.seq, d.event_id AS eventid, d.destination, d.event_type AS eventtype, d.body, d.created_at AS createdat, d.attempts
        """;
    // Send order as ClaimDueSql (event time, then insertion; NULL event times of older rows first).
    private const string SendOrder = "COALESCE({0}.occurred_at, '-infinity'::timestamptz), {0}.seq";
    // Due rows of one destination up to the first row someone else holds (a relay run that has not yet
    // handed its new rows over, a crashed sender's lease): a later row never overtakes an earlier one.
    // That first held row is looked up once (an uncorrelated subquery, ALL over its one row or none);
    // comparing every due row with every held row cost 0.25 s per claim with 1,000 rows waiting.
    private static readonly string SendableRowsOfDestination = $"""
        SELECT event_id, destination FROM federation_deliveries f
        WHERE f.destination = @Destination AND f.dead_at IS NULL AND f.next_attempt_at <= @Now
          AND ({string.Format(SendOrder, "f")}) < ALL (
              SELECT {string.Format(SendOrder, "x")} FROM federation_deliveries x
              WHERE x.destination = @Destination AND x.dead_at IS NULL AND x.next_attempt_at > @Now
              ORDER BY {string.Format(SendOrder, "x")}
              LIMIT 1)
        ORDER BY {string.Format(SendOrder, "f")}
        LIMIT @Limit
        """;
    private static readonly string ClaimDueForDestinationSql = $"""
        UPDATE federation_deliveries d SET next_attempt_at = @LeaseUntil
        FROM ({SendableRowsOfDestination} FOR UPDATE SKIP LOCKED) due
        WHERE d.event_id = due.event_id AND d.destination = due.destination
        RETURNING d.occurred_at AS occurredat, d.seq, d.event_id AS eventid, d.destination, d.event_type AS eventtype, d.body, d.created_at AS createdat, d.attempts
        """;
    private static readonly string HasSendableForDestinationSql = $"SELECT EXISTS ({SendableRowsOfDestination})";
    private const string DeleteManySql = "DELETE FROM federation_deliveries WHERE destination = @Destination AND event_id = ANY(@EventIds)";
    private const string ReleaseManySql = "UPDATE federation_deliveries SET next_attempt_at = @Now WHERE destination = @Destination AND event_id = ANY(@EventIds)";
    // Session-level, so it is held while the batch travels; keyed by the destination's text hash.
    private const string BacklogSql = "SELECT count(*) FROM federation_deliveries WHERE dead_at IS NULL";
    private const string DeleteSql = "DELETE FROM federation_deliveries WHERE event_id = @EventId AND destination = @Destination";
    private const string RescheduleSql = """
        UPDATE federation_deliveries SET next_attempt_at = @NextAttemptAt, attempts = attempts + @Attempted, last_error = COALESCE(@Error, last_error)
        WHERE event_id = @EventId AND destination = @Destination
        """;
    private const string DeadLetterSql = """
        UPDATE federation_deliveries SET dead_at = @Now, attempts = attempts + @Attempted, last_error = COALESCE(@Error, last_error)
        WHERE event_id = @EventId AND destination = @Destination
        """;
    private const string PeerSuccessSql = """
        INSERT INTO federation_peers (domain, last_success_at, consecutive_failures) VALUES (@Domain, @Now, 0)
        ON CONFLICT (domain) DO UPDATE SET last_success_at = @Now, consecutive_failures = 0, backoff_until = NULL
        """;
    private const string EnsurePeerSql = "INSERT INTO federation_peers (domain, consecutive_failures) VALUES (@Domain, 0) ON CONFLICT (domain) DO NOTHING";
    private const string LockPeerSql = "SELECT consecutive_failures AS failures, backoff_until AS backoffuntil FROM federation_peers WHERE domain = @Domain FOR UPDATE";
    private const string PeerFailureSql = """
        UPDATE federation_peers SET last_failure_at = @Now, consecutive_failures = @Failures, backoff_until = @BackoffUntil
        WHERE domain = @Domain
        """;
    private const string PeerBackoffUntilSql = "SELECT backoff_until FROM federation_peers WHERE domain = @Domain";
    private const string ListPeersSql = """
        SELECT k.domain, p.last_success_at AS lastsuccessat, p.last_failure_at AS lastfailureat,
               COALESCE(p.consecutive_failures, 0) AS consecutivefailures, p.backoff_until AS backoffuntil,
               (SELECT count(*) FROM federation_deliveries d WHERE d.destination = k.domain AND d.dead_at IS NULL) AS queued,
               (SELECT count(*) FROM federation_deliveries d WHERE d.destination = k.domain AND d.dead_at IS NOT NULL) AS deadletters
        FROM (SELECT domain FROM federation_peers
              UNION SELECT destination FROM federation_deliveries
              UNION SELECT domain FROM servers WHERE is_local = false) k
        LEFT JOIN federation_peers p ON p.domain = k.domain
        ORDER BY k.domain
        """;
    private const string RequeueDeadSql = """
        UPDATE federation_deliveries SET dead_at = NULL, created_at = @Now, next_attempt_at = @Now, attempts = 0
        WHERE destination = @Domain AND dead_at IS NOT NULL
        """;
    private const string ResetPeerSql = "UPDATE federation_peers SET backoff_until = NULL WHERE domain = @Domain";
    private const string DeleteOldDeadSql = "DELETE FROM federation_deliveries WHERE dead_at < @Before";
    // A delivery's body holds the message as it was when the event was relayed (the relay reads it then):
    // deliveries of since-deleted messages go, edited ones carry the current content. The body is
    // signed when sent, so rewriting it here is safe.
    private const string MessageTypes = $"('{FederationEventTypes.MessageRelay}', '{FederationEventTypes.MessageEdit}')";
    private const string DeleteOfDeletedMessagesSql = $$"""
        DELETE FROM federation_deliveries d WHERE d.event_type IN {{MessageTypes}}
          AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = try_uuid(d.body::jsonb ->> 'origin_message_id'))
        """;
    private const string RefreshEditedContentSql = $$"""
        UPDATE federation_deliveries d SET body = jsonb_set(d.body::jsonb, '{content}', to_jsonb(m.content))::text
        FROM messages m
        WHERE d.event_type IN {{MessageTypes}} AND m.id = try_uuid(d.body::jsonb ->> 'origin_message_id')
          AND d.body::jsonb ->> 'content' IS DISTINCT FROM m.content
        """;

    /// <summary>
    /// Inserts rows for new (event, destination) pairs, already claimed until <paramref name="leaseUntil"/>;
    /// returns only the rows this call inserted (a redelivered queue message inserts none), in send order.
    /// A row with a <see cref="DeliveryRow.SenderJoin"/> is preceded by that join (lower seq, same
    /// transaction, returned first) unless an earlier join of the sender to that destination was
    /// acknowledged; so a message never depends on the membership event having been relayed before it.
    /// The senders' locks are all taken first, in one order (<see cref="SenderJoinLockOrder"/>), so two
    /// calls with several senders' messages wait for each other instead of deadlocking.
    /// </summary>
    internal async Task<IReadOnlyList<Delivery>> EnqueueAsync(IReadOnlyList<DeliveryRow> rows,
        DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        foreach (var (channelId, username, destination) in SenderJoinLockOrder(rows))
        {
            await connection.ExecuteAsync(new CommandDefinition(LockSenderJoinSql,
                new { ChannelId = channelId, Username = username, Destination = destination }, tx, cancellationToken: ct));
        }
        var inserted = new List<Delivery>();
        foreach (var row in rows)
        {
            if (row.SenderJoin is { } join && await NeedsSenderJoinAsync(connection, tx, join, row.Destination, ct))
            {
                inserted.AddRange(await InsertAsync(connection, tx, new DeliveryRow(join.EventId, row.Destination, FederationEventTypes.ChannelJoin, join.Body, row.OccurredAt), now, leaseUntil, ct));
            }
            if (row.EventType == FederationEventTypes.ChannelLeave)
            {
                await connection.ExecuteAsync(new CommandDefinition(ForgetSenderJoinSql, new { row.Destination, row.Body }, tx, cancellationToken: ct));
            }
            inserted.AddRange(await InsertAsync(connection, tx, row, now, leaseUntil, ct));
        }
        await tx.CommitAsync(ct);
        return inserted;
    }

    /// <summary>The (channel, sender, destination) locks the rows need, each once, in ordinal order.</summary>
    internal static IReadOnlyList<(Guid ChannelId, string Username, string Destination)> SenderJoinLockOrder(IEnumerable<DeliveryRow> rows) =>
        rows.Where(r => r.SenderJoin is not null).Select(r => (r.SenderJoin!.ChannelId, r.SenderJoin.Username, r.Destination)).Distinct()
            .OrderBy(k => k.ChannelId).ThenBy(k => k.Username, StringComparer.Ordinal).ThenBy(k => k.Destination, StringComparer.Ordinal).ToList();

    // The key's lock is held (EnqueueAsync took it), so the decision cannot race a concurrent enqueue.
    private static async Task<bool> NeedsSenderJoinAsync(NpgsqlConnection connection, NpgsqlTransaction tx, SenderJoin join, string destination, CancellationToken ct) =>
        await connection.ExecuteScalarAsync<string?>(new CommandDefinition(ClaimSenderJoinSql,
            new { join.ChannelId, join.Username, Destination = destination, JoinEventId = join.EventId }, tx, cancellationToken: ct)) is not null;

    private static Task<IEnumerable<Delivery>> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction tx, DeliveryRow row,
        DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken ct) =>
        connection.QueryAsync<Delivery>(new CommandDefinition(InsertSql, new
        {
            row.EventId, row.Destination, row.EventType, row.Body, Now = now, LeaseUntil = leaseUntil, row.OccurredAt,
        }, tx, cancellationToken: ct));

    /// <summary>Deliveries still waiting to be sent (not delivered, not dead-lettered): the relay backlog.</summary>
    public async Task<long> CountBacklogAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(BacklogSql, cancellationToken: ct));
    }

    /// <summary>Claims due rows of destinations that are not backing off, in send order (event time, then insertion).</summary>
    public async Task<IReadOnlyList<Delivery>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<ClaimedRow>(new CommandDefinition(ClaimDueSql, new { Now = now, LeaseUntil = leaseUntil, Limit = limit }, cancellationToken: ct));
        return InSendOrder(rows);
    }

    /// <summary>Claims up to <paramref name="limit"/> due rows of one destination, in send order (event time, then insertion), up to the first row that is not due.</summary>
    public async Task<IReadOnlyList<Delivery>> ClaimDueForDestinationAsync(string destination, DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<ClaimedRow>(new CommandDefinition(ClaimDueForDestinationSql,
            new { Destination = destination, Now = now, LeaseUntil = leaseUntil, Limit = limit }, cancellationToken: ct));
        return InSendOrder(rows);
    }

    /// <summary>True when <see cref="ClaimDueForDestinationAsync"/> would claim a row now.</summary>
    public async Task<bool> HasSendableForDestinationAsync(string destination, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(HasSendableForDestinationSql,
            new { Destination = destination, Now = now, Limit = 1 }, cancellationToken: ct));
    }

    /// <summary>Deletes delivered rows of one destination in one statement.</summary>
    public Task DeleteManyAsync(string destination, IEnumerable<Delivery> rows, CancellationToken ct) =>
        ExecuteAsync(DeleteManySql, new { Destination = destination, EventIds = rows.Select(r => r.EventId).ToArray() }, ct);

    /// <summary>Gives up claims without counting an attempt: the rows are due again at once.</summary>
    public Task ReleaseAsync(string destination, IEnumerable<Delivery> rows, DateTimeOffset now, CancellationToken ct) =>
        ExecuteAsync(ReleaseManySql, new { Destination = destination, Now = now, EventIds = rows.Select(r => r.EventId).ToArray() }, ct);

    public Task DeleteAsync(Delivery d, CancellationToken ct) => ExecuteAsync(DeleteSql, new { d.EventId, d.Destination }, ct);

    public Task RescheduleAsync(Delivery d, DateTimeOffset nextAttemptAt, bool attempted, string? error, CancellationToken ct) =>
        ExecuteAsync(RescheduleSql, new { d.EventId, d.Destination, NextAttemptAt = nextAttemptAt, Attempted = attempted ? 1 : 0, Error = error }, ct);

    public Task DeadLetterAsync(Delivery d, DateTimeOffset now, bool attempted, string? error, CancellationToken ct) =>
        ExecuteAsync(DeadLetterSql, new { d.EventId, d.Destination, Now = now, Attempted = attempted ? 1 : 0, Error = error }, ct);

    public Task RecordPeerSuccessAsync(string domain, DateTimeOffset now, CancellationToken ct) =>
        ExecuteAsync(PeerSuccessSql, new { Domain = domain, Now = now }, ct);

    /// <summary>
    /// Counts a failed send and backs the peer off; returns until when. Sends to one peer can fail
    /// side by side (queue messages run concurrently): a failure while the peer is already backed off
    /// is the same outage, so it is not counted again and gets the current backoff. The peer row is
    /// locked, so concurrent failures are counted one after the other.
    /// </summary>
    public async Task<DateTimeOffset> RecordPeerFailureAsync(string domain, DateTimeOffset now, Func<int, TimeSpan> backoff, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(EnsurePeerSql, new { Domain = domain }, tx, cancellationToken: ct));
        var peer = await connection.QuerySingleAsync<(int Failures, DateTime? BackoffUntil)>(
            new CommandDefinition(LockPeerSql, new { Domain = domain }, tx, cancellationToken: ct));
        if (peer.BackoffUntil is { } current && new DateTimeOffset(DateTime.SpecifyKind(current, DateTimeKind.Utc)) > now)
        {
            await tx.CommitAsync(ct);
            return new DateTimeOffset(DateTime.SpecifyKind(current, DateTimeKind.Utc));
        }
        var failures = peer.Failures + 1;
        var until = now + backoff(failures);
        await connection.ExecuteAsync(new CommandDefinition(PeerFailureSql,
            new { Domain = domain, Now = now, Failures = failures, BackoffUntil = until }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return until;
    }

    public async Task<DateTimeOffset?> PeerBackoffUntilAsync(string domain, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var until = await connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition(PeerBackoffUntilSql, new { Domain = domain }, cancellationToken: ct));
        return until is { } u ? new DateTimeOffset(DateTime.SpecifyKind(u, DateTimeKind.Utc)) : null;
    }

    public async Task<IReadOnlyList<PeerStatus>> ListPeersAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<PeerStatus>(new CommandDefinition(ListPeersSql, cancellationToken: ct))).ToList();
    }

    /// <summary>Turns the destination's dead letters back into fresh deliveries (new retry age) and lifts its backoff.</summary>
    public async Task<int> RequeueDeadLettersAsync(string domain, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var count = await connection.ExecuteAsync(new CommandDefinition(RequeueDeadSql, new { Domain = domain, Now = now }, tx, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(ResetPeerSql, new { Domain = domain }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return count;
    }

    /// <summary>Deletes deliveries dead-lettered before <paramref name="deadBefore"/>; returns rows deleted.</summary>
    public async Task<int> DeleteDeadAsync(DateTimeOffset deadBefore, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(DeleteOldDeadSql, new { Before = deadBefore }, cancellationToken: ct));
    }

    /// <summary>Removes the old content of deleted and edited messages from waiting and dead deliveries; returns rows changed.</summary>
    public async Task<int> ScrubChangedMessagesAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(DeleteOfDeletedMessagesSql, cancellationToken: ct))
            + await connection.ExecuteAsync(new CommandDefinition(RefreshEditedContentSql, cancellationToken: ct));
    }

    private async Task ExecuteAsync(string sql, object args, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql, args, cancellationToken: ct));
    }

    private static List<Delivery> InSendOrder(IEnumerable<ClaimedRow> rows) =>
        rows.OrderBy(r => r.OccurredAt.HasValue).ThenBy(r => r.OccurredAt).ThenBy(r => r.Seq)
            .Select(r => new Delivery(r.EventId, r.Destination, r.EventType, r.Body, r.CreatedAt, r.Attempts)).ToList();

    private sealed record ClaimedRow(DateTime? OccurredAt, long Seq, string EventId, string Destination, string EventType, string Body, DateTime CreatedAt, int Attempts);
}
