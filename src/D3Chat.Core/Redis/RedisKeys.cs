namespace D3Chat.Core.Redis;

/// <summary>Every Redis key shape D3Chat uses. No other code builds key strings.</summary>
public static class RedisKeys
{
    /// <summary>Set once fanout delivered an event, so a redelivered queue message is skipped (24 h TTL).</summary>
    public static string FanoutDone(Guid eventId) => $"fanout:done:{eventId:D}";

    public static readonly TimeSpan FanoutDoneTtl = TimeSpan.FromHours(24);

    // Realtime (presence). Spec api.md §12: `presence:{user_id}` = online|away, 300 s after the last write.

    /// <summary>A user's presence status; absent means offline.</summary>
    public static string Presence(Guid userId) => $"presence:{userId:D}";

    public static readonly TimeSpan PresenceTtl = TimeSpan.FromSeconds(300);
}
