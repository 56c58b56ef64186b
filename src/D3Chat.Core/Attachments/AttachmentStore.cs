using Dapper;
using Npgsql;

namespace D3Chat.Core.Attachments;

/// <summary>SQL of the <c>attachments</c> table (linking to messages lives in MessageStore).</summary>
public sealed class AttachmentStore(NpgsqlDataSource dataSource)
{
    private const string InsertSql = """
        INSERT INTO attachments (id, message_id, channel_id, uploader_id, filename, content_type, size_bytes, storage_path, thumbnail_path, width, height, created_at)
        VALUES (@Id, NULL, @ChannelId, @UploaderId, @Filename, @ContentType, @SizeBytes, @StoragePath, @ThumbnailPath, @Width, @Height, @CreatedAt)
        """;
    private const string GetSql = """
        SELECT id, message_id, channel_id, uploader_id, filename, content_type, size_bytes, storage_path, thumbnail_path, width, height, created_at
        FROM attachments WHERE id = @Id
        """;

    // Uploads that no message claimed; the blob_deletions trigger (migration 0011) queues their blobs.
    private const string DeleteUnlinkedSql = "DELETE FROM attachments WHERE message_id IS NULL AND created_at < @Before";

    public async Task InsertAsync(Attachment attachment, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(InsertSql, attachment, cancellationToken: ct));
    }

    public async Task<Attachment?> GetAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Attachment>(new CommandDefinition(GetSql, new { Id = id }, cancellationToken: ct));
    }

    /// <summary>Deletes attachments uploaded before <paramref name="before"/> that no message links; returns rows deleted.</summary>
    public async Task<int> DeleteUnlinkedAsync(DateTimeOffset before, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(DeleteUnlinkedSql, new { Before = before.UtcDateTime }, cancellationToken: ct));
    }
}
