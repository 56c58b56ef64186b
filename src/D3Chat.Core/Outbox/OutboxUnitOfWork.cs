using D3Chat.Core.Data;
using D3Chat.Core.Queue;
using Npgsql;

namespace D3Chat.Core.Outbox;

/// <summary>
/// The one way to write "a change and the channel events that describe it" (decision 4): opens a
/// connection (or takes the caller's open one), begins a transaction, lets the work write through
/// the stores and append events to the outbox (<see cref="OutboxTransaction.Add(ChannelEvent)"/>),
/// sends the statements still pending in the transaction's batch, commits, gives the connection back
/// to the pool, and only then hands the committed events to the <see cref="BackgroundOutboxPublisher"/>,
/// which publishes them after the request has answered (or to the <see cref="OutboxPublisher"/> inline
/// when that loop is not running). Neither throws for a failed publish or bookkeeping step (the outbox
/// sweep retries), so once the change is committed the request succeeds. Work that throws rolls
/// everything back and publishes nothing, and so does work that calls
/// <see cref="OutboxTransaction.Abandon"/> (a result read from its own batch says nothing may stay).
/// Every other refusal (a <c>Problem</c>) is decided before the first write, so committing a
/// transaction that wrote nothing is harmless.
/// </summary>
public sealed class OutboxUnitOfWork(NpgsqlDataSource dataSource, OutboxPublisher publisher, BackgroundOutboxPublisher background)
{
    /// <summary>Runs <paramref name="work"/> in one transaction on a pooled connection; its events are published after commit.</summary>
    public async Task<T> RunAsync<T>(Func<OutboxTransaction, Task<T>> work, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await RunAsync(connection, work, ct);
    }

    /// <inheritdoc cref="RunAsync{T}(Func{OutboxTransaction, Task{T}}, CancellationToken)"/>
    public Task RunAsync(Func<OutboxTransaction, Task> work, CancellationToken ct) =>
        RunAsync(async unit =>
        {
            await work(unit);
            return true;
        }, ct);

    /// <summary>
    /// As <see cref="RunAsync{T}(Func{OutboxTransaction, Task{T}}, CancellationToken)"/> on a connection the caller
    /// already opened for its checks (one pool rental per request); the connection is closed after commit.
    /// </summary>
    public async Task<T> RunAsync<T>(NpgsqlConnection connection, Func<OutboxTransaction, Task<T>> work, CancellationToken ct)
    {
        OutboxTransaction unit;
        T result;
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            unit = new OutboxTransaction(connection, tx, ct);
            result = await work(unit);
            if (unit.Abandoned)
            {
                await tx.RollbackAsync(ct);
                await connection.CloseAsync();
                return result;
            }
            await unit.Batch.FlushAsync(ct);
            await tx.CommitAsync(ct);
        }
        // Committed: from here on nothing may fail the request. The connection goes back to the pool
        // first, so it is not held while the queue answers.
        await connection.CloseAsync();
        foreach (var action in unit.AfterCommitActions)
        {
            await action();
        }
        // The queue send and its MarkSent leave the request's path (issue 14): the committed outbox row
        // and the sweep, not this call, are what guarantee delivery (docs/reliability.md).
        if (unit.Events.Count > 0 && !background.TryEnqueue(unit.Events))
        {
            await publisher.PublishAsync(unit.Events, ct);
        }
        return result;
    }
}

/// <summary>
/// One open transaction of an <see cref="OutboxUnitOfWork"/>: the stores write through
/// <see cref="Connection"/> and <see cref="Transaction"/>, or add their statements to <see cref="Batch"/>,
/// which goes to PostgreSQL in one round trip when the work flushes it or, at the latest, before commit.
/// </summary>
public sealed class OutboxTransaction
{
    private readonly List<ChannelEvent> _events = [];
    private readonly List<Func<Task>> _afterCommit = [];

    internal OutboxTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        Connection = connection;
        Transaction = transaction;
        Batch = new SqlBatch(connection, transaction);
        CancellationToken = ct;
    }

    public NpgsqlConnection Connection { get; }

    public NpgsqlTransaction Transaction { get; }

    /// <summary>Statements of this transaction that go to PostgreSQL together (the outbox rows among them).</summary>
    public SqlBatch Batch { get; }

    /// <summary>The cancellation of the request that runs this unit.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The events appended so far, published in this order after commit.</summary>
    public IReadOnlyList<ChannelEvent> Events => _events;

    /// <summary>True once the work called <see cref="Abandon"/>: the transaction rolls back and nothing is published.</summary>
    public bool Abandoned { get; private set; }

    internal IReadOnlyList<Func<Task>> AfterCommitActions => _afterCommit;

    /// <summary>
    /// Runs <paramref name="action"/> once the transaction has committed, before the events are published
    /// (for example dropping a cached auth state, so no one acts on the old one after the event).
    /// </summary>
    public void AfterCommit(Func<Task> action) => _afterCommit.Add(action);

    /// <summary>Rolls the transaction back instead of committing it; its events are not published.</summary>
    public void Abandon() => Abandoned = true;

    /// <summary>As <see cref="Add(ChannelEvent)"/> for several events, written in one statement.</summary>
    public void AddAll(IReadOnlyList<ChannelEvent> channelEvents)
    {
        if (channelEvents.Count == 0)
        {
            return;
        }
        OutboxStore.InsertAll(Batch, channelEvents);
        _events.AddRange(channelEvents);
    }

    /// <summary>Adds the event's outbox row to this transaction's batch; it is published once the transaction commits.</summary>
    public void Add(ChannelEvent channelEvent)
    {
        OutboxStore.Insert(Batch, channelEvent);
        _events.Add(channelEvent);
    }
}
