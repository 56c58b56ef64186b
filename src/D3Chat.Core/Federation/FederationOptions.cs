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

    /// <summary>True when <paramref name="domain"/> (host[:port]) may be contacted over plain http.</summary>
    public bool AllowsHttp(string domain)
    {
        var host = DomainNames.Host(domain);
        return AllowHttpHosts.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Any(h => string.Equals(h, domain, StringComparison.OrdinalIgnoreCase) || string.Equals(h, host, StringComparison.OrdinalIgnoreCase));
    }
}
