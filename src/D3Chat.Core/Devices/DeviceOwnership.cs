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
        return await OwnerOfAsync(connection, deviceId, ct);
    }

    public async Task<bool> IsOwnedByAsync(Guid deviceId, Guid userId, CancellationToken ct) =>
        await OwnerOfAsync(deviceId, ct) == userId;

    /// <summary>As <see cref="IsOwnedByAsync(Guid, Guid, CancellationToken)"/>, on the caller's connection.</summary>
    public async Task<bool> IsOwnedByAsync(NpgsqlConnection connection, Guid deviceId, Guid userId, CancellationToken ct) =>
        await OwnerOfAsync(connection, deviceId, ct) == userId;

    private static Task<Guid?> OwnerOfAsync(NpgsqlConnection connection, Guid deviceId, CancellationToken ct) =>
        connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(OwnerSql, new { Id = deviceId }, cancellationToken: ct));
}
