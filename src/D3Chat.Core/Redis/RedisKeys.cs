namespace D3Chat.Core.Redis;

/// <summary>Every Redis key shape D3Chat uses. No other code builds key strings.</summary>
public static class RedisKeys
{
    /// <summary>Set once fanout delivered an event, so a redelivered queue message is skipped (24 h TTL).</summary>
    public static string FanoutDone(Guid eventId) => $"fanout:done:{eventId:D}";

    public static readonly TimeSpan FanoutDoneTtl = TimeSpan.FromHours(24);
}
