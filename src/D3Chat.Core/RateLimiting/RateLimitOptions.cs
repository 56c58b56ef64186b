using System.ComponentModel.DataAnnotations;
using System.Net;

namespace D3Chat.Core.RateLimiting;

/// <summary>Global per-IP rate limit (<c>RateLimit__*</c>, spec api.md §0.2).</summary>
public sealed class RateLimitOptions : IValidatableObject
{
    public const string Section = "RateLimit";

    /// <summary>Requests per client IP per fixed 60-second window.</summary>
    [Range(1, 1_000_000)]
    public int PerMinute { get; set; } = 300;

    /// <summary>
    /// Comma-separated addresses or CIDR ranges of reverse proxies (e.g. Front Door, the Functions
    /// front end) whose <c>X-Forwarded-For</c> is believed. Empty: the header is ignored, the peer
    /// address is the client, as in the reference.
    /// </summary>
    public string TrustedProxies { get; set; } = "";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var entry in Entries(TrustedProxies))
        {
            if (!IPNetwork.TryParse(entry, out _) && !IPAddress.TryParse(entry, out _))
            {
                yield return new ValidationResult($"RateLimit__TrustedProxies: '{entry}' is not an IP address or CIDR range.", [nameof(TrustedProxies)]);
            }
        }
    }

    internal static IEnumerable<string> Entries(string list) =>
        list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
