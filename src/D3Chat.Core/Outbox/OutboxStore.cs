using Dapper;
using D3Chat.Core.Queue;
using Npgsql;

namespace D3Chat.Core.Outbox;

/// <summary>The <c>outbox</c> table: channel events written with the change they describe (decision 4).</summary>
public sealed class OutboxStore(NpgsqlDataSource dataSource)
{
    private const string InsertSql = """
        INSERT INTO outbox (id, event_type, payload, created_at)
        VALUES (@Id, @Type, CAST(@Payload AS jsonb), @CreatedAt)
        """;
    private const string MarkSentSql = "UPDATE outbox SET sent_at = @SentAt, attempts = attempts + 1 WHERE id = @Id";
    private const string RecordFailedAttemptSql = "UPDATE outbox SET attempts = attempts + 1 WHERE id = @Id";
    private const string ListUnsentSql = """
        SELECT payload::text FROM outbox
        WHERE sent_at IS NULL AND created_at <= @CreatedBefore
        ORDER BY created_at
        LIMIT @Limit
        """;

    /// <summary>Adds the event inside the caller's transaction, so it commits or rolls back with the change.</summary>
    public Task AddAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ChannelEvent channelEvent, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(InsertSql, new
        {
            channelEvent.Id,
            channelEvent.Type,
            Payload = channelEvent.ToJson(),
            CreatedAt = channelEvent.OccurredAt,
        }, transaction, cancellationToken: ct));

    public async Task MarkSentAsync(Guid id, DateTimeOffset sentAt, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(MarkSentSql, new { Id = id, SentAt = sentAt }, cancellationToken: ct));
    }

    public async Task RecordFailedAttemptAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(RecordFailedAttemptSql, new { Id = id }, cancellationToken: ct));
    }

    /// <summary>Unsent events created at or before <paramref name="createdBefore"/>, oldest first.</summary>
    public async Task<IReadOnlyList<ChannelEvent>> ListUnsentAsync(DateTimeOffset createdBefore, int limit, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var payloads = await connection.QueryAsync<string>(new CommandDefinition(
            ListUnsentSql, new { CreatedBefore = createdBefore, Limit = limit }, cancellationToken: ct));
        return payloads.Select(p => ChannelEvent.TryParse(p)
            ?? throw new InvalidOperationException("An outbox row holds a payload that is not a channel event.")).ToList();
    }
}
