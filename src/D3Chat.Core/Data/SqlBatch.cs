using System.Data.Common;
using Dapper;
using Npgsql;

namespace D3Chat.Core.Data;

/// <summary>
/// Statements that go to PostgreSQL together, as one <see cref="NpgsqlBatch"/>: one round trip for all
/// of them instead of one each (issue 14). Stores add their statements with their parameters;
/// <see cref="FlushAsync"/> sends what is pending, and a statement's rows are readable once it has been
/// sent. Statements run in the order they were added. Sent outside an explicit transaction, a batch is
/// one implicit transaction: a failing statement leaves nothing of the others.
/// </summary>
public sealed class SqlBatch(NpgsqlConnection connection)
{
    private readonly List<NpgsqlBatchCommand> _pending = [];
    // Only statements that return rows have a result set in the batch's reader, in statement order.
    private readonly List<Func<DbDataReader, CancellationToken, Task>> _readers = [];

    /// <summary>Adds a statement that returns no rows.</summary>
    public void Add(string sql, params NpgsqlParameter[] parameters) => _pending.Add(Command(sql, parameters));

    /// <summary>Adds a statement that returns rows (a SELECT, or a write with RETURNING), mapped to <typeparamref name="T"/> as Dapper maps them.</summary>
    public SqlRows<T> Query<T>(string sql, params NpgsqlParameter[] parameters)
    {
        var rows = new SqlRows<T>();
        _pending.Add(Command(sql, parameters));
        _readers.Add(async (reader, ct) =>
        {
            var parse = reader.GetRowParser<T>();
            var read = new List<T>();
            while (await reader.ReadAsync(ct))
            {
                read.Add(parse(reader));
            }
            rows.Set(read);
        });
        return rows;
    }

    /// <summary>Sends the pending statements in one round trip, inside <paramref name="transaction"/> if any, and reads their rows.</summary>
    public async Task FlushAsync(NpgsqlTransaction? transaction, CancellationToken ct)
    {
        if (_pending.Count == 0)
        {
            return;
        }
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var command in _pending)
        {
            batch.BatchCommands.Add(command);
        }
        var readers = _readers.ToList();
        _pending.Clear();
        _readers.Clear();
        if (readers.Count == 0)
        {
            await batch.ExecuteNonQueryAsync(ct);
            return;
        }
        await using var reader = await batch.ExecuteReaderAsync(ct);
        foreach (var read in readers)
        {
            await read(reader, ct);
            await reader.NextResultAsync(ct);
        }
    }

    /// <summary>A parameter typed by its value's static type, so a null still has its PostgreSQL type.</summary>
    public static NpgsqlParameter Parameter<T>(string name, T value) => new NpgsqlParameter<T>(name, value);

    private static NpgsqlBatchCommand Command(string sql, NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }
}

/// <summary>The rows of one statement of a <see cref="SqlBatch"/>, readable once the batch has been flushed.</summary>
public sealed class SqlRows<T>
{
    private IReadOnlyList<T>? _rows;

    public IReadOnlyList<T> Rows => _rows ?? throw new InvalidOperationException("The statement has not been sent yet: flush its batch first.");

    internal void Set(IReadOnlyList<T> rows) => _rows = rows;
}
