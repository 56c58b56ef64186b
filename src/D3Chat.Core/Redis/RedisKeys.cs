namespace D3Chat.Core.Redis;

/// <summary>Every Redis key shape D3Chat uses. No other code builds key strings.</summary>
public static class RedisKeys
{
    /// <summary>Set once fanout delivered an event, so a redelivered queue message is skipped (24 h TTL).</summary>
    public static string FanoutDone(Guid eventId) => $"fanout:done:{eventId:D}";

    public static readonly TimeSpan FanoutDoneTtl = TimeSpan.FromHours(24);

    /// <summary>Federation inbox dedup: set when an event of <paramref name="origin"/> was accepted (24 h TTL, spec §4).
    /// Scoped by origin, unlike the reference, so one peer cannot pre-claim another peer's event ids.</summary>
    public static string FederationEvent(string origin, string eventId) => $"fed_event:{origin}:{eventId}";

    public static readonly TimeSpan FederationEventTtl = TimeSpan.FromSeconds(86400);

    /// <summary>Per-origin inbox request counter, fixed 60 s window (spec §4).</summary>
    public static string FederationRate(string origin) => $"fed_rate:{origin}";

    public static readonly TimeSpan FederationRateWindow = TimeSpan.FromSeconds(60);
}
