using D3Chat.Core.Data;
using D3Chat.Core.Queue;
using Npgsql;

namespace D3Chat.Core.Outbox;

/// <summary>
/// The one way to write "a change and the channel events that describe it" (decision 4): opens a
/// connection (or takes the caller's open one), lets the work write through the stores and append
/// events to the outbox (<see cref="OutboxTransaction.Add(ChannelEvent)"/>), commits, gives the
/// connection back to the pool, and only then hands the committed events to the
/// <see cref="BackgroundOutboxPublisher"/>, which publishes them after the request has answered (or to
/// the <see cref="OutboxPublisher"/> inline when that loop is not running). Neither throws for a failed
/// publish or bookkeeping step (the outbox sweep retries), so once the change is committed the request
/// succeeds. Work that throws rolls everything back and publishes nothing. Every refusal (a
/// <c>Problem</c>) is decided before the first write, so committing a transaction that wrote nothing is
/// harmless.
/// <para>
/// The transaction is explicit only if the work needs one: when it touches
/// <see cref="OutboxTransaction.Transaction"/> or flushes its batch midway. Work that only adds
/// statements to <see cref="OutboxTransaction.Batch"/> (a message send) is sent as one batch, which
/// PostgreSQL runs as one implicit transaction: one round trip, no BEGIN or COMMIT (issue 14).
/// </para>
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
        await using (unit = new OutboxTransaction(connection, ct))
        {
            result = await work(unit);
            await unit.CommitAsync();
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
/// One unit of work of an <see cref="OutboxUnitOfWork"/>: the stores write through <see cref="Connection"/>
/// and <see cref="Transaction"/>, or add their statements to <see cref="Batch"/>, which goes to
/// PostgreSQL in one round trip when the work calls <see cref="FlushAsync"/> or, at the latest, at commit.
/// Statements added to the batch run when it is sent, so after any the work sent directly before that;
/// only order-free statements (such as outbox rows) should be mixed with direct ones.
/// </summary>
public sealed class OutboxTransaction : IAsyncDisposable
{
    private readonly List<ChannelEvent> _events = [];
    private readonly List<Func<Task>> _afterCommit = [];
    private NpgsqlTransaction? _transaction;

    internal OutboxTransaction(NpgsqlConnection connection, CancellationToken ct)
    {
        Connection = connection;
        Batch = new SqlBatch(connection);
        CancellationToken = ct;
    }

    public NpgsqlConnection Connection { get; }

    /// <summary>The explicit transaction, begun on first use (Npgsql sends BEGIN with the next statement).</summary>
    public NpgsqlTransaction Transaction => _transaction ??= Connection.BeginTransaction();

    /// <summary>Statements of this unit that go to PostgreSQL together (the outbox rows among them).</summary>
    public SqlBatch Batch { get; }

    /// <summary>The cancellation of the request that runs this unit.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The events appended so far, published in this order after commit.</summary>
    public IReadOnlyList<ChannelEvent> Events => _events;

    internal IReadOnlyList<Func<Task>> AfterCommitActions => _afterCommit;

    /// <summary>
    /// Runs <paramref name="action"/> once the transaction has committed, before the events are published
    /// (for example dropping a cached auth state, so no one acts on the old one after the event).
    /// </summary>
    public void AfterCommit(Func<Task> action) => _afterCommit.Add(action);

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

    /// <summary>Adds the event's outbox row to this unit's batch; it is published once the unit commits.</summary>
    public void Add(ChannelEvent channelEvent)
    {
        OutboxStore.Insert(Batch, channelEvent);
        _events.Add(channelEvent);
    }

    /// <summary>Sends the batch's pending statements now (in the explicit transaction, begun if need be), so their rows can be read.</summary>
    public Task FlushAsync() => Batch.FlushAsync(Transaction, CancellationToken);

    // Without an explicit transaction the pending batch is the whole unit and commits by itself.
    internal async Task CommitAsync()
    {
        if (_transaction is null)
        {
            await Batch.FlushAsync(null, CancellationToken);
            return;
        }
        await Batch.FlushAsync(_transaction, CancellationToken);
        await _transaction.CommitAsync(CancellationToken);
    }

    /// <summary>Rolls back an explicit transaction that was not committed.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_transaction is not null)
        {
            await _transaction.DisposeAsync();
        }
    }
}
