namespace D3Chat.Core.Federation;

/// <summary>
/// Per-destination retry policy, after dendrite's federationapi/statistics/statistics.go: each
/// consecutive failure doubles the wait before the destination is tried again, up to a cap; any
/// success resets it. Deliveries older than <see cref="FederationOptions.MaxRetryAge"/> are dead-lettered.
/// </summary>
internal static class Backoff
{
    /// <summary>Wait after the first failure. Short, because most failures are a restart or a blip.</summary>
    public static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Default cap of the wait (about 2^10 × FirstDelay ≈ 34 min rounds down to this): a peer that was
    /// down for hours is retried at least hourly, so it catches up within an hour of coming back.
    /// </summary>
    public static readonly TimeSpan DefaultMaxBackoff = TimeSpan.FromHours(1);

    /// <summary>Beyond this many doublings the cap always applies; keeps the shift from overflowing.</summary>
    public const int MaxDoublings = 20;

    /// <summary>
    /// HTTP statuses that retrying cannot fix (the peer rejected the event's content): the delivery is
    /// dead-lettered at once. 401 is not among them, because the peer may simply not have discovered
    /// our key yet, and 429 and 5xx are transient by definition.
    /// </summary>
    public static readonly IReadOnlySet<int> PermanentStatuses = new HashSet<int> { 400, 413, 422 };

    /// <summary>The wait after <paramref name="consecutiveFailures"/> failures in a row (≥ 1).</summary>
    public static TimeSpan After(int consecutiveFailures, TimeSpan maxBackoff)
    {
        var doublings = Math.Clamp(consecutiveFailures - 1, 0, MaxDoublings);
        var delay = TimeSpan.FromTicks(FirstDelay.Ticks * (1L << doublings));
        return delay < maxBackoff ? delay : maxBackoff;
    }
}
