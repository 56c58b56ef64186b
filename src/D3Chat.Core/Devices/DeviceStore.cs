using Dapper;
using Npgsql;

namespace D3Chat.Core.Devices;

/// <summary>A <c>devices</c> row.</summary>
public sealed record Device
{
    public required Guid Id { get; init; }
    public required Guid UserId { get; init; }
    public required string DeviceName { get; init; }
    public string? DeviceKeyPublic { get; init; }
    public DateTime? LastSeenAt { get; init; }
    public DateTime CreatedAt { get; init; }
}

/// <summary>SQL of the <c>devices</c> table.</summary>
public sealed class DeviceStore(NpgsqlDataSource dataSource)
{
    private const string InsertSql = """
        INSERT INTO devices (id, user_id, device_name, device_key_public, created_at)
        VALUES (@Id, @UserId, @DeviceName, @DeviceKeyPublic, @CreatedAt)
        """;
    private const string ListForUserSql = """
        SELECT id, user_id, device_name, device_key_public, last_seen_at, created_at
        FROM devices WHERE user_id = @UserId ORDER BY created_at, id
        """;

    private const string DeleteOwnSql = "DELETE FROM devices WHERE id = @Id AND user_id = @UserId";

    public Task InsertAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Device device, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(InsertSql, device, transaction, cancellationToken: ct));

    public async Task<IReadOnlyList<Device>> ListForUserAsync(Guid userId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<Device>(new CommandDefinition(ListForUserSql, new { UserId = userId }, cancellationToken: ct))).ToList();
    }

    public async Task InsertAsync(Device device, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await InsertAsync(connection, null, device, ct);
    }

    /// <summary>Deletes the device only if it belongs to <paramref name="userId"/>; false otherwise.</summary>
    public async Task<bool> DeleteOwnAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid userId, Guid deviceId, CancellationToken ct) =>
        await connection.ExecuteAsync(new CommandDefinition(DeleteOwnSql, new { Id = deviceId, UserId = userId }, transaction, cancellationToken: ct)) == 1;
}
