using System.Text.Json;
using D3Chat.Core.Http;
using D3Chat.Core.Redis;
using D3Chat.Core.Settings;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace D3Chat.Core.PublicConfig;

/// <summary>The spec's public branding config (<c>GET /api/v1/config</c>).</summary>
public sealed record PublicConfigResponse(
    string AppName, string AppDescription, string RegistrationMode, string BrandPrimaryColor, string BrandAccentColor);

/// <summary>
/// Builds the public config from <c>server_settings</c>, cached in Redis under <c>public_config</c>
/// for 60 s. Every settings write calls <see cref="InvalidateAsync"/>. Redis errors are ignored:
/// the config is then read from the database each time.
/// </summary>
public sealed partial class PublicConfigService(RedisKeyspace redis, SettingsStore settings, ILogger<PublicConfigService> logger)
{
    private static readonly string[] Keys =
    [
        SettingKeys.AppName, SettingKeys.AppDescription, SettingKeys.RegistrationMode,
        SettingKeys.BrandPrimaryColor, SettingKeys.BrandAccentColor,
    ];

    public async Task<PublicConfigResponse> GetAsync(CancellationToken ct)
    {
        if (redis.IsConnected)
        {
            try
            {
                var cached = await redis.Database.StringGetAsync(RedisKeys.PublicConfig);
                if (cached.HasValue && JsonSerializer.Deserialize<PublicConfigResponse>(cached.ToString(), ApiResults.Json) is { } hit)
                {
                    return hit;
                }
            }
            catch (RedisException ex)
            {
                LogRedisFailed(logger, ex);
            }
        }
        var values = await settings.GetManyAsync(Keys, ct);
        var config = new PublicConfigResponse(
            Value(values, SettingKeys.AppName) ?? "d3chat",
            Value(values, SettingKeys.AppDescription) ?? "Federated end-to-end encrypted chat",
            Value(values, SettingKeys.RegistrationMode) ?? "open",
            Value(values, SettingKeys.BrandPrimaryColor) ?? "#3b82f6",
            Value(values, SettingKeys.BrandAccentColor) ?? "#10b981");
        if (redis.IsConnected)
        {
            try
            {
                await redis.Database.StringSetAsync(RedisKeys.PublicConfig, JsonSerializer.Serialize(config, ApiResults.Json), RedisKeys.PublicConfigTtl);
            }
            catch (RedisException ex)
            {
                LogRedisFailed(logger, ex);
            }
        }
        return config;
    }

    /// <summary>Drops the cached config; call after any settings change commits.</summary>
    public async Task InvalidateAsync()
    {
        try
        {
            await redis.Database.KeyDeleteAsync(RedisKeys.PublicConfig);
        }
        catch (RedisException ex)
        {
            LogRedisFailed(logger, ex);
        }
    }

    /// <summary>
    /// The setting's inner <c>value</c> as text when present and truthy (the reference's rule):
    /// non-empty strings as they are, other truthy scalars as their JSON text.
    /// </summary>
    internal static string? Value(IReadOnlyDictionary<string, string?> values, string key)
    {
        if (!values.TryGetValue(key, out var json) || JsonText.Parse(json) is not { ValueKind: JsonValueKind.Object } root
            || !root.TryGetProperty("value", out var value))
        {
            return null;
        }
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString() is { Length: > 0 } s ? s : null,
            JsonValueKind.True => "True",
            JsonValueKind.Number => value.GetRawText() is var n && n != "0" && n != "0.0" ? n : null,
            JsonValueKind.Array => value.GetArrayLength() > 0 ? value.GetRawText() : null,
            JsonValueKind.Object => value.EnumerateObject().Any() ? value.GetRawText() : null,
            _ => null,
        };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Public config cache unavailable; using the database")]
    private static partial void LogRedisFailed(ILogger logger, Exception exception);
}
