using System.Text.Json;
using System.Text.Json.Serialization;
using D3Chat.Core.Audit;
using D3Chat.Core.Http;
using D3Chat.Core.PublicConfig;
using Npgsql;

namespace D3Chat.Core.Settings;

/// <summary>The spec's setting shape: <c>{key, value, category, description, updated_at}</c>.</summary>
public sealed record SettingResponse(string Key, JsonElement? Value, string Category, string? Description, DateTime? UpdatedAt)
{
    internal static SettingResponse From(SettingRow r) => new(r.Key, JsonText.Parse(r.Value), r.Category, r.Description, r.UpdatedAt);
}

/// <summary>Body of <c>PUT /admin/settings/{key}</c>: <c>value</c> is required and must be an object or null.</summary>
public sealed class UpdateSettingRequest : IValidatable
{
    private JsonElement? _value;

    public JsonElement? Value { get => _value; set { _value = value; HasValue = true; } }

    public string? Description { get; set; }

    [JsonIgnore] public bool HasValue { get; private set; }

    public void Validate(Validator v)
    {
        if (!HasValue)
        {
            v.Fail("value", "Field required", "missing");
        }
        SettingValue.Check(v, Value);
    }
}

/// <summary>Body of <c>POST /admin/settings</c>.</summary>
public sealed class CreateSettingRequest : IValidatable
{
    private JsonElement? _value;

    public string? Key { get; set; }

    public JsonElement? Value { get => _value; set { _value = value; HasValue = true; } }

    public string? Category { get; set; }

    public string? Description { get; set; }

    [JsonIgnore] public bool HasValue { get; private set; }

    public void Validate(Validator v)
    {
        v.Required("key", Key, 1, 128);
        v.Length("category", Category, 0, 64);
        if (!HasValue)
        {
            v.Fail("value", "Field required", "missing");
        }
        SettingValue.Check(v, Value);
    }
}

internal static class SettingValue
{
    public static void Check(Validator v, JsonElement? value)
    {
        if (value is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null) })
        {
            v.Fail("value", "Input should be a valid dictionary", "dict_type");
        }
    }

    /// <summary>The jsonb text to store: null for JSON null or absent.</summary>
    public static string? ToJson(JsonElement? value) => value is { ValueKind: JsonValueKind.Object } v ? v.GetRawText() : null;
}

/// <summary>
/// Server settings administration (spec api.md §10). Writes are superadmin-only (checked by the
/// function), audited in the same transaction, and drop the cached public config after commit.
/// </summary>
public sealed class SettingsService(
    NpgsqlDataSource dataSource, SettingsStore settings, AuditLogStore audit, PublicConfigService publicConfig, TimeProvider time)
{
    public async Task<IReadOnlyList<SettingResponse>> ListAsync(CancellationToken ct) =>
        [.. (await settings.ListAsync(ct)).Select(SettingResponse.From)];

    public async Task<Outcome<SettingResponse>> GetAsync(string key, CancellationToken ct) =>
        await settings.GetAsync(key, ct) is { } row ? SettingResponse.From(row) : Problem.SettingNotFound;

    /// <summary>Updates an existing setting; PUT never creates one.</summary>
    public async Task<Outcome<SettingResponse>> UpdateAsync(AdminActor actor, string key, UpdateSettingRequest request, CancellationToken ct)
    {
        SettingRow updated;
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            var current = await settings.LockAsync(connection, tx, key, ct);
            if (current is null)
            {
                return Problem.SettingNotFound;
            }
            var now = time.GetUtcNow();
            updated = await settings.UpdateAsync(connection, tx, key, SettingValue.ToJson(request.Value), request.Description, actor.UserId, now, ct);
            await audit.InsertAsync(connection, tx, actor, AuditActions.UpdateSetting, AuditActions.TargetSetting, key,
                new { old_value = JsonText.Parse(current.Value), new_value = JsonText.Parse(updated.Value) }, now, ct);
            await tx.CommitAsync(ct);
        }
        await publicConfig.InvalidateAsync();
        return SettingResponse.From(updated);
    }

    public async Task<Outcome<SettingResponse>> CreateAsync(AdminActor actor, CreateSettingRequest request, CancellationToken ct)
    {
        SettingRow created;
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            var now = time.GetUtcNow();
            var row = await settings.InsertAsync(connection, tx, request.Key!, SettingValue.ToJson(request.Value),
                string.IsNullOrEmpty(request.Category) ? "general" : request.Category, request.Description, actor.UserId, now, ct);
            if (row is null)
            {
                return Problem.SettingExists;
            }
            await audit.InsertAsync(connection, tx, actor, AuditActions.CreateSetting, AuditActions.TargetSetting, request.Key!,
                new { value = JsonText.Parse(row.Value) }, now, ct);
            await tx.CommitAsync(ct);
            created = row;
        }
        await publicConfig.InvalidateAsync();
        return SettingResponse.From(created);
    }
}
