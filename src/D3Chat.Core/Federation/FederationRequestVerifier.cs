using D3Chat.Core.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace D3Chat.Core.Federation;

/// <summary>
/// The signature check every federation endpoint calls first (as dendrite's MakeFedAPI does):
/// headers, timestamp, ±300 s window, origin discovery, Ed25519 over the raw request. Nothing is
/// counted or stored before it passes. Rejections are logged without bodies or signatures.
/// </summary>
public sealed partial class FederationRequestVerifier(
    PeerDiscovery discovery, Microsoft.Extensions.Options.IOptions<Hosting.ServerOptions> server, TimeProvider time, ILogger<FederationRequestVerifier> logger)
{
    /// <summary>Accepted clock difference between sender and receiver, both directions.</summary>
    public static readonly TimeSpan ReplayWindow = TimeSpan.FromSeconds(300);

    /// <summary>The verified origin domain, or the 401 to answer.</summary>
    public async Task<(string? Origin, Problem? Problem)> VerifyAsync(HttpRequest request, byte[] body, CancellationToken ct)
    {
        var rawOrigin = request.Headers[FederationHeaders.Origin].ToString();
        // One spelling per server; our own domain in any spelling is never a peer.
        var origin = DomainNames.Normalize(rawOrigin) is { } normalized && normalized != server.Value.Domain ? normalized : "";
        var timestamp = request.Headers[FederationHeaders.Timestamp].ToString();
        var signature = request.Headers[FederationHeaders.Signature].ToString();
        if (rawOrigin.Length == 0 || timestamp.Length == 0 || signature.Length == 0)
        {
            return Reject("missing headers", rawOrigin, "Missing federation headers");
        }
        if (RequestSigning.ParseTimestamp(timestamp) is not { } seconds)
        {
            return Reject("unparsable timestamp", origin, "Invalid timestamp");
        }
        var skew = Math.Abs(time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0 - seconds);
        if (skew > ReplayWindow.TotalSeconds)
        {
            return Reject("timestamp outside the replay window", origin, "Request outside replay window");
        }
        var peer = origin.Length == 0 ? null : await discovery.DiscoverAsync(origin, ct);
        if (peer is null)
        {
            return Reject("origin not discoverable", origin, "Could not verify origin server");
        }
        var pathAndQuery = request.Path.Value + request.QueryString.Value;
        if (!RequestSigning.Verify(peer.SigningKeyPublic, request.Method, pathAndQuery, timestamp, body, signature))
        {
            return Reject("bad signature", origin, "Invalid signature");
        }
        return (origin, null);
    }

    private (string?, Problem?) Reject(string reason, string origin, string detail)
    {
        LogRejected(reason, DomainNames.IsValid(origin) ? origin : "(invalid)");
        return (null, Problem.Unauthorized(detail));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected federation request from {Origin}: {Reason}")]
    private partial void LogRejected(string reason, string origin);
}
