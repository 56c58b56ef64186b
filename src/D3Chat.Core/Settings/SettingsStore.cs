using System.Text.Json;
using Dapper;
using Npgsql;

namespace D3Chat.Core.Settings;

/// <summary>SQL of the <c>server_settings</c> table. Values follow the <c>{"value": X}</c> convention.</summary>
public sealed class SettingsStore(NpgsqlDataSource dataSource)
{
    private const string GetValueSql = "SELECT value::text FROM server_settings WHERE key = @Key";
    private const string Columns = "key, value::text AS value, category, description, updated_at";
    private const string ListSql = $"SELECT {Columns} FROM server_settings ORDER BY category, key";
    private const string GetSql = $"SELECT {Columns} FROM server_settings WHERE key = @Key";
    private const string GetManySql = "SELECT key, value::text AS value FROM server_settings WHERE key = ANY(@Keys)";
    private const string LockSql = $"SELECT {Columns} FROM server_settings WHERE key = @Key FOR UPDATE";
    private const string UpdateSql = $"""
        UPDATE server_settings
        SET value = CAST(@Value AS jsonb), description = COALESCE(@Description, description), updated_by = @UpdatedBy, updated_at = @Now
        WHERE key = @Key
        RETURNING {Columns}
        """;
    // The unique key makes a concurrent second create a no-op, reported as "already exists".
    private const string InsertSql = $"""
        INSERT INTO server_settings (id, key, value, category, description, updated_by, updated_at)
        VALUES (@Id, @Key, CAST(@Value AS jsonb), @Category, @Description, @UpdatedBy, @Now)
        ON CONFLICT (key) DO NOTHING
        RETURNING {Columns}
        """;

    /// <summary>The inner <c>value</c> of a setting, or null when the row or the field is missing.</summary>
    public async Task<JsonElement?> GetValueAsync(string key, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var json = await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(GetValueSql, new { Key = key }, cancellationToken: ct));
        if (json is null)
        {
            return null;
        }
        using var document = JsonDocument.Parse(json);
        return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("value", out var value)
            ? value.Clone()
            : null;
    }

    internal async Task<IReadOnlyList<SettingRow>> ListAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return [.. await connection.QueryAsync<SettingRow>(new CommandDefinition(ListSql, cancellationToken: ct))];
    }

    internal async Task<SettingRow?> GetAsync(string key, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<SettingRow>(new CommandDefinition(GetSql, new { Key = key }, cancellationToken: ct));
    }

    /// <summary>The raw jsonb values (as text) of the given keys that exist.</summary>
    public async Task<IReadOnlyDictionary<string, string?>> GetManyAsync(string[] keys, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<SettingRow>(new CommandDefinition(GetManySql, new { Keys = keys }, cancellationToken: ct));
        return rows.ToDictionary(r => r.Key, r => r.Value);
    }

    /// <summary>Locks the row for the rest of the transaction; null when the key does not exist.</summary>
    internal Task<SettingRow?> LockAsync(NpgsqlConnection c, NpgsqlTransaction tx, string key, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<SettingRow>(new CommandDefinition(LockSql, new { Key = key }, tx, cancellationToken: ct));

    /// <summary>Sets the value (JSON text or null) and, when given, the description.</summary>
    internal Task<SettingRow> UpdateAsync(NpgsqlConnection c, NpgsqlTransaction tx, string key, string? valueJson, string? description,
        Guid updatedBy, DateTimeOffset now, CancellationToken ct) =>
        c.QuerySingleAsync<SettingRow>(new CommandDefinition(UpdateSql,
            new { Key = key, Value = valueJson, Description = description, UpdatedBy = updatedBy, Now = now }, tx, cancellationToken: ct));

    /// <summary>Creates a setting; null when the key already exists.</summary>
    internal Task<SettingRow?> InsertAsync(NpgsqlConnection c, NpgsqlTransaction tx, string key, string? valueJson, string category,
        string? description, Guid updatedBy, DateTimeOffset now, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<SettingRow>(new CommandDefinition(InsertSql, new
        {
            Id = Guid.NewGuid(), Key = key, Value = valueJson, Category = category, Description = description, UpdatedBy = updatedBy, Now = now,
        }, tx, cancellationToken: ct));
}

/// <summary>A <c>server_settings</c> row with its jsonb value as text.</summary>
internal sealed record SettingRow
{
    public string Key { get; init; } = "";
    public string? Value { get; init; }
    public string Category { get; init; } = "general";
    public string? Description { get; init; }
    public DateTime? UpdatedAt { get; init; }
}

internal static class SettingKeys
{
    public const string RegistrationMode = "registration_mode";
    public const string RegistrationDomainAllowlist = "registration_domain_allowlist";
    public const string AppName = "app_name";
    public const string AppDescription = "app_description";
    public const string BrandPrimaryColor = "brand_primary_color";
    public const string BrandAccentColor = "brand_accent_color";

    /// <summary>Refresh-token (session) lifetime in whole days; read by AuthService (the reference ignores it).</summary>
    public const string SessionTimeoutDays = "session_timeout_days";

    /// <summary>Messages older than this many days are deleted by the retention timer; 0 keeps them forever.</summary>
    public const string MessageRetentionDays = "message_retention_days";

    /// <summary>
    /// Kept for reference admin clients, which show and edit it; not enforced, as in the reference:
    /// every login is a new device (device-per-login), so a cap would lock users out.
    /// </summary>
    public const string MaxDevicesPerUser = "max_devices_per_user";

    /// <summary>The setting's value when it is a whole number within [<paramref name="min"/>, <paramref name="max"/>], else null.</summary>
    public static int? WholeNumber(JsonElement? value, int min, int max) =>
        value is { ValueKind: JsonValueKind.Number } v && v.TryGetInt32(out var n) && n >= min && n <= max ? n : null;
}
