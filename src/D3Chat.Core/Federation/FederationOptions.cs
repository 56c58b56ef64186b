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

    /// <summary>Upper bound of the per-destination backoff (see <see cref="Backoff"/>).</summary>
    public TimeSpan MaxBackoff { get; set; } = Backoff.DefaultMaxBackoff;

    /// <summary>
    /// Events one origin may deliver per minute through <c>POST /federation/transactions</c> (spec §4.1).
    /// The reference inbox keeps its own limit of 100 requests a minute.
    /// </summary>
    public int InboundEventsPerMinute { get; set; } = 60_000;

    /// <summary>
    /// Most events this server accepts in one batch and advertises in its well-known document;
    /// 0 or 1 turns batching off (peers then send one event per inbox request).
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
