using D3Chat.Integration.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace D3Chat.Integration.Tests.Security;

/// <summary>
/// The row count of every table of a server's database, read in one statement so the snapshot is
/// consistent; the security suites compare two snapshots around each refused request.
/// </summary>
public sealed class TableCounts(D3ChatServer server) : IAsyncDisposable
{
    // One pool for the whole run: a snapshot is taken around every request.
    private readonly NpgsqlDataSource _data = server.CreateDataSource();
    private string? _sql;

    public async Task<IReadOnlyDictionary<string, long>> SnapshotAsync()
    {
        await using var connection = await _data.OpenConnectionAsync();
        // Built once from the catalogue, so a table added by a later migration is counted too.
        _sql ??= await connection.ExecuteScalarAsync<string>("""
            SELECT string_agg(format('SELECT %L AS name, count(*) AS rows FROM %I', tablename, tablename), ' UNION ALL ' ORDER BY tablename)
            FROM pg_tables WHERE schemaname = 'public'
            """);
        var rows = await connection.QueryAsync<(string Name, long Rows)>(_sql!);
        return rows.ToDictionary(r => r.Name, r => r.Rows);
    }

    /// <summary>A scalar over the same pool (e.g. a checksum of columns a request must not change).</summary>
    public async Task<T?> ScalarAsync<T>(string sql)
    {
        await using var connection = await _data.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<T>(sql);
    }

    /// <summary>"table: before → after" for every table whose count differs; empty when none does.</summary>
    public static string Difference(IReadOnlyDictionary<string, long> before, IReadOnlyDictionary<string, long> after) =>
        string.Join(", ", after.Where(t => before.GetValueOrDefault(t.Key) != t.Value)
            .Select(t => $"{t.Key}: {before.GetValueOrDefault(t.Key)} → {t.Value}"));

    public ValueTask DisposeAsync() => _data.DisposeAsync();
}
