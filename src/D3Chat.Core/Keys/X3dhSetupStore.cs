using Dapper;
using Npgsql;

namespace D3Chat.Core.Keys;

/// <summary>SQL of <c>x3dh_setups</c>: the initiator's setup of a DM, one per channel, overwritten by each upload.</summary>
public sealed class X3dhSetupStore(NpgsqlDataSource dataSource)
{
    private const string UpsertSql = """
        INSERT INTO x3dh_setups (channel_id, initiator_identity_key, ephemeral_public_key, used_one_time_key, uploaded_by, updated_at)
        VALUES (@ChannelId, @InitiatorIdentityKey, @EphemeralPublicKey, @UsedOneTimeKey, @UploadedBy, @Now)
        ON CONFLICT (channel_id) DO UPDATE SET initiator_identity_key = EXCLUDED.initiator_identity_key,
            ephemeral_public_key = EXCLUDED.ephemeral_public_key, used_one_time_key = EXCLUDED.used_one_time_key,
            uploaded_by = EXCLUDED.uploaded_by, updated_at = EXCLUDED.updated_at
        """;
    private const string GetSql = """
        SELECT initiator_identity_key, ephemeral_public_key, used_one_time_key FROM x3dh_setups WHERE channel_id = @ChannelId
        """;

    public async Task UpsertAsync(Guid channelId, Guid uploadedBy, X3dhSetupRequest setup, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(UpsertSql, new
        {
            ChannelId = channelId,
            setup.InitiatorIdentityKey,
            setup.EphemeralPublicKey,
            setup.UsedOneTimeKey,
            UploadedBy = uploadedBy,
            Now = now,
        }, cancellationToken: ct));
    }

    public async Task<X3dhSetupResponse?> GetAsync(Guid channelId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(GetSql, new { ChannelId = channelId }, cancellationToken: ct));
        return row is null ? null : new X3dhSetupResponse(row.InitiatorIdentityKey, row.EphemeralPublicKey, row.UsedOneTimeKey);
    }

    private sealed record Row
    {
        public string InitiatorIdentityKey { get; init; } = "";
        public string EphemeralPublicKey { get; init; } = "";
        public bool UsedOneTimeKey { get; init; }
    }
}
