using Dapper;
using Npgsql;

namespace D3Chat.Core.Attachments;

/// <summary>
/// The <c>blob_deletions</c> table: blob names of deleted attachment rows, queued by a trigger in
/// the deleting transaction (migration 0011) and removed once the blob is gone.
/// </summary>
public sealed class BlobDeletionStore(NpgsqlDataSource dataSource)
{
    private const string ListSql = "SELECT blob_name FROM blob_deletions ORDER BY queued_at, blob_name LIMIT @Limit";
    private const string RemoveSql = "DELETE FROM blob_deletions WHERE blob_name = ANY(@Names)";

    /// <summary>The oldest queued blob names.</summary>
    public async Task<IReadOnlyList<string>> ListAsync(int limit, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<string>(new CommandDefinition(ListSql, new { Limit = limit }, cancellationToken: ct))).ToList();
    }

    public async Task RemoveAsync(IReadOnlyList<string> blobNames, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(RemoveSql, new { Names = blobNames.ToArray() }, cancellationToken: ct));
    }
}
