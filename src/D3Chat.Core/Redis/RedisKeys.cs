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

    // Federation.

    /// <summary>Federation inbox dedup: set when an event of <paramref name="origin"/> was accepted (24 h TTL, spec §4).
    /// Scoped by origin, unlike the reference, so one peer cannot pre-claim another peer's event ids.</summary>
    public static string FederationEvent(string origin, string eventId) => $"fed_event:{origin}:{eventId}";

    public static readonly TimeSpan FederationEventTtl = TimeSpan.FromSeconds(86400);

    /// <summary>How long a claim stays pending without its commit: twice the sender's 15 s request timeout
    /// (an apply takes well under a second), short enough that an event whose receiver died mid-apply is
    /// stored at one of the sender's next retries.</summary>
    public static readonly TimeSpan FederationEventPendingTtl = TimeSpan.FromSeconds(30);

    /// <summary>A signed federation request that must take effect once (the key claim): set at its first
    /// arrival, keyed by a hash of its signature, for as long as its timestamp stays inside the replay window.</summary>
    public static string FederationRequestSeen(string origin, string signatureHash) => $"fed_request:{origin}:{signatureHash}";

    public static readonly TimeSpan FederationRequestSeenTtl = 2 * Federation.FederationRequestVerifier.ReplayWindow;

    /// <summary>Per-origin inbox request counter, fixed 60 s window (spec §4).</summary>
    public static string FederationRate(string origin) => $"fed_rate:{origin}";

    /// <summary>Per-origin counter of events received in batches (D3Chat, spec §4.1), same fixed window.</summary>
    public static string FederationEventRate(string origin) => $"fed_event_rate:{origin}";

    public static readonly TimeSpan FederationRateWindow = TimeSpan.FromSeconds(60);

    // Failed logins (D3Chat, issue 12 item 11).

    /// <summary>Failed logins for one username from one client address, within <see cref="LoginFailureWindow"/>.</summary>
    public static string LoginFailures(string username, string address) => $"login_fail:{username}:{address}";

    /// <summary>Set while logins for that username from that address are refused; its TTL is the wait.</summary>
    public static string LoginLock(string username, string address) => $"login_lock:{username}:{address}";

    /// <summary>Failed logins from one client address across all usernames.</summary>
    public static string LoginFailuresFrom(string address) => $"login_fail_addr:{address}";

    /// <summary>Set while every login from that address is refused.</summary>
    public static string LoginLockFrom(string address) => $"login_lock_addr:{address}";

    public static readonly TimeSpan LoginFailureWindow = TimeSpan.FromMinutes(15);
}
