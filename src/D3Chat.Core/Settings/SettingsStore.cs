using System.Text.Json;
using Dapper;
using Npgsql;

namespace D3Chat.Core.Settings;

/// <summary>SQL of the <c>server_settings</c> table. Values follow the <c>{"value": X}</c> convention.</summary>
public sealed class SettingsStore(NpgsqlDataSource dataSource)
{
    private const string GetValueSql = "SELECT value::text FROM server_settings WHERE key = @Key";

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
}

public static class SettingKeys
{
    public const string RegistrationMode = "registration_mode";
    public const string RegistrationDomainAllowlist = "registration_domain_allowlist";
}
