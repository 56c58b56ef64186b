namespace D3Chat.Core.Federation;

/// <summary>Federation settings (<c>Federation__*</c>). The signing seed is read by <see cref="Crypto.ServerSigningKey"/>.</summary>
public sealed class FederationOptions
{
    public const string Section = "Federation";

    /// <summary>
    /// Comma-separated hosts (or host:port) that discovery may reach over plain http after https failed.
    /// Empty in production; loopback names offline. Every other peer must serve https.
    /// </summary>
    public string AllowHttpHosts { get; set; } = "";

    /// <summary>
    /// Comma-separated hosts (or host:port) that federation may reach although they resolve to a
    /// loopback, private or otherwise non-public address. Empty in production; loopback names offline.
    /// </summary>
    public string AllowPrivateHosts { get; set; } = "";

    /// <summary>How long a delivery is retried before it becomes a dead letter (default 24 h).</summary>
    public TimeSpan MaxRetryAge { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Inbox requests one origin may make per minute (spec §4: 100). A peer over it gets 429 and
    /// retries with backoff, so a busier channel is delayed, never lost; raise it for busy peers.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(1, 1_000_000)]
    public int InboxRatePerMinute { get; set; } = FederationInbox.RateLimitPerWindow;

    /// <summary>Upper bound of the per-destination backoff (see <see cref="Backoff"/>).</summary>
    public TimeSpan MaxBackoff { get; set; } = Backoff.DefaultMaxBackoff;

    /// <summary>
    /// Events one origin may deliver per minute through <c>POST /federation/transactions</c> (spec §4.1),
    /// counted per event, a batch all or none. Requests to the inbox and the key claim count against
    /// <see cref="InboxRatePerMinute"/> instead: a peer that batches is limited by events, one that does
    /// not (the reference) by requests.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(1, 10_000_000)]
    public int BatchEventsPerMinute { get; set; } = 60_000;

    /// <summary>
    /// Most events this server accepts in one batch and advertises in its well-known document
    /// (at most <see cref="FederationBatches.MaxEvents"/>); 0 or 1 turns batching off (peers then send
    /// one event per inbox request).
    /// </summary>
    public int MaxBatchEvents { get; set; } = FederationBatches.MaxEvents;

    /// <summary>True when <paramref name="domain"/> (host[:port]) may be contacted over plain http.</summary>
    public bool AllowsHttp(string domain) => Lists(AllowHttpHosts, DomainNames.Host(domain), domain);

    /// <summary>True when <paramref name="host"/> (on <paramref name="port"/>) may resolve to a non-public address.</summary>
    public bool AllowsPrivateAddresses(string host, int port) => Lists(AllowPrivateHosts, host, $"{host}:{port}");

    private static bool Lists(string list, string host, string hostAndPort) =>
        list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Any(h => string.Equals(h, hostAndPort, StringComparison.OrdinalIgnoreCase) || string.Equals(h, host, StringComparison.OrdinalIgnoreCase));
}
