using System.Diagnostics;
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
    public async Task<Outcome<string>> VerifyAsync(HttpRequest request, byte[] body, CancellationToken ct)
    {
        var rawOrigin = request.Headers[FederationHeaders.Origin].ToString();
        // One spelling per server; our own domain in any spelling is never a peer.
        var origin = DomainNames.Normalize(rawOrigin) is { } normalized && normalized != server.Value.Domain ? normalized : "";
        var timestamp = request.Headers[FederationHeaders.Timestamp].ToString();
        var signature = request.Headers[FederationHeaders.Signature].ToString();
        if (rawOrigin.Length == 0 || timestamp.Length == 0 || signature.Length == 0)
        {
            return Reject("missing headers", rawOrigin, Problem.FederationHeadersMissing);
        }
        if (RequestSigning.ParseTimestamp(timestamp) is not { } seconds)
        {
            return Reject("unparsable timestamp", origin, Problem.FederationTimestampInvalid);
        }
        var skew = Math.Abs(time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0 - seconds);
        if (skew > ReplayWindow.TotalSeconds)
        {
            return Reject("timestamp outside the replay window", origin, Problem.FederationOutsideReplayWindow);
        }
        var peer = origin.Length == 0 ? null : await discovery.DiscoverAsync(origin, ct);
        if (peer is null)
        {
            return Reject("origin not discoverable", origin, Problem.FederationOriginUnverifiable);
        }
        var pathAndQuery = request.Path.Value + request.QueryString.Value;
        var started = Stopwatch.GetTimestamp();
        if (!RequestSigning.Verify(peer.SigningKeyPublic, request.Method, pathAndQuery, timestamp, body, signature))
        {
            return Reject("bad signature", origin, Problem.FederationSignatureInvalid);
        }
        LogVerified(origin, body.Length, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return origin;
    }

    private Problem Reject(string reason, string origin, Problem problem)
    {
        LogRejected(reason, DomainNames.IsValid(origin) ? origin : "(invalid)");
        return problem;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Verified {Bytes} bytes from {Origin} in {VerifyMs:F2} ms")]
    private partial void LogVerified(string origin, int bytes, double verifyMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected federation request from {Origin}: {Reason}")]
    private partial void LogRejected(string reason, string origin);
}
