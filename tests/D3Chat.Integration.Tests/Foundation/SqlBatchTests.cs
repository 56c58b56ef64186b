using D3Chat.Core.Data;
using D3Chat.Integration.Tests.Infrastructure;
using Npgsql;

namespace D3Chat.Integration.Tests.Foundation;

/// <summary>SqlBatch: statements in order, in one round trip, each statement's rows readable once sent.</summary>
public sealed class SqlBatchTests
{
    private sealed record Row(int Id, string? Label);

    [Fact]
    public async Task Flush_RunsTheStatementsInOrder_AndEachQueryGetsItsOwnRows()
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.PostgresAdmin);
        await connection.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await new NpgsqlCommand("CREATE TEMP TABLE batch_rows (id int PRIMARY KEY, label text) ON COMMIT DROP", connection, tx).ExecuteNonQueryAsync();
        var batch = new SqlBatch(connection);

        batch.Add("INSERT INTO batch_rows VALUES (@Id, @Label)", SqlBatch.Parameter("Id", 1), SqlBatch.Parameter<string?>("Label", null));
        var conflict = batch.Query<int>("INSERT INTO batch_rows VALUES (1, 'again') ON CONFLICT (id) DO NOTHING RETURNING id");
        batch.Add("INSERT INTO batch_rows VALUES (2, 'two')");
        var rows = batch.Query<Row>("UPDATE batch_rows SET label = COALESCE(label, 'none') || '!' RETURNING id, label");
        Assert.Throws<InvalidOperationException>(() => rows.Rows);
        await batch.FlushAsync(tx, CancellationToken.None);

        Assert.Empty(conflict.Rows);
        Assert.Equal([new Row(1, "none!"), new Row(2, "two!")], rows.Rows.OrderBy(r => r.Id));
    }

    [Fact]
    public async Task Flush_AFailingStatement_ThrowsItsError_AndTheTransactionKeepsNothing()
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.PostgresAdmin);
        await connection.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await new NpgsqlCommand("CREATE TEMP TABLE batch_rows (id int PRIMARY KEY) ON COMMIT DROP", connection, tx).ExecuteNonQueryAsync();
        await tx.SaveAsync("before");
        var batch = new SqlBatch(connection);
        batch.Add("INSERT INTO batch_rows VALUES (1)");
        batch.Add("INSERT INTO batch_rows VALUES (1)");
        batch.Add("INSERT INTO batch_rows VALUES (2)");

        var failure = await Assert.ThrowsAsync<PostgresException>(() => batch.FlushAsync(tx, CancellationToken.None));

        Assert.Equal(PostgresErrorCodes.UniqueViolation, failure.SqlState);
        await tx.RollbackAsync("before");
        Assert.Equal(0L, await new NpgsqlCommand("SELECT count(*) FROM batch_rows", connection, tx).ExecuteScalarAsync());
    }

    // What a message send relies on: without an explicit transaction a batch is one implicit transaction.
    [Fact]
    public async Task Flush_WithoutATransaction_AFailingStatementLeavesNothingOfTheOthers()
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.PostgresAdmin);
        await connection.OpenAsync();
        await new NpgsqlCommand("CREATE TEMP TABLE batch_rows (id int PRIMARY KEY)", connection).ExecuteNonQueryAsync();
        var batch = new SqlBatch(connection);
        batch.Add("INSERT INTO batch_rows VALUES (1)");
        batch.Add("INSERT INTO batch_rows VALUES (2)");
        batch.Add("INSERT INTO batch_rows VALUES (1)");

        await Assert.ThrowsAsync<PostgresException>(() => batch.FlushAsync(null, CancellationToken.None));
        batch.Add("INSERT INTO batch_rows VALUES (3)");
        await batch.FlushAsync(null, CancellationToken.None);

        Assert.Equal(1L, await new NpgsqlCommand("SELECT count(*) FROM batch_rows", connection).ExecuteScalarAsync());
    }
}
