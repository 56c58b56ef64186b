namespace D3Chat.Core.Redis;

/// <summary>Every Redis key shape D3Chat uses. No other code builds key strings.</summary>
public static class RedisKeys
{
    /// <summary>Set once fanout delivered an event, so a redelivered queue message is skipped (24 h TTL).</summary>
    public static string FanoutDone(Guid eventId) => $"fanout:done:{eventId:D}";

    public static readonly TimeSpan FanoutDoneTtl = TimeSpan.FromHours(24);

    // Accounts and governance.

    /// <summary>Fixed-window request counter of one client IP (spec §0.2); expires 60 s after the first hit.</summary>
    public static string RateLimit(string clientIp) => $"rate_limit:{clientIp}";

    public static readonly TimeSpan RateLimitWindow = TimeSpan.FromSeconds(60);

    /// <summary>The cached public branding config (spec §9); deleted on every settings change.</summary>
    public const string PublicConfig = "public_config";

    public static readonly TimeSpan PublicConfigTtl = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A user's cached auth standing (username, role, ban, suspension) read by the auth gate;
    /// deleted on every change to those fields, so the TTL only bounds a lost invalidation.
    /// </summary>
    public static string AuthState(Guid userId) => $"auth_state:{userId:D}";

    public static readonly TimeSpan AuthStateTtl = TimeSpan.FromSeconds(30);

    // Realtime (presence). Spec api.md §12: `presence:{user_id}` = online|away, 300 s after the last write.

    /// <summary>A user's presence status; absent means offline.</summary>
    public static string Presence(Guid userId) => $"presence:{userId:D}";

    public static readonly TimeSpan PresenceTtl = TimeSpan.FromSeconds(300);
}
