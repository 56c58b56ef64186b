using Dapper;
using Npgsql;

namespace D3Chat.Core.Devices;

/// <summary>Who owns a device: the check behind every "must be one of your devices" rule.</summary>
public sealed class DeviceOwnership(NpgsqlDataSource dataSource)
{
    private const string OwnerSql = "SELECT user_id FROM devices WHERE id = @Id";

    /// <summary>The owning user, or null when the device does not exist.</summary>
    public async Task<Guid?> OwnerOfAsync(Guid deviceId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(OwnerSql, new { Id = deviceId }, cancellationToken: ct));
    }

    public async Task<bool> IsOwnedByAsync(Guid deviceId, Guid userId, CancellationToken ct) =>
        await OwnerOfAsync(deviceId, ct) == userId;
}
