using System.Net.Http.Json;
using System.Text.Json;
using D3Chat.Core.Crypto;
using D3Chat.Core.Hosting;
using D3Chat.Core.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace D3Chat.Core.Federation;

/// <summary>
/// The outbound signed federation requests that expect an answer (spec federation.md §3), shared by
/// the user lookup, the key-bundle fetch (GETs, empty body) and the one-time key claim (a POST):
/// discovery of the peer, signing, a bounded timeout, JSON decoding. Inbox events go through
/// <see cref="FederationSender"/> and the durable delivery rows instead.
/// </summary>
public sealed partial class FederationGetClient(
    PeerDiscovery discovery,
    IHttpClientFactory httpClients,
    ServerSigningKey signingKey,
    IOptions<ServerOptions> server,
    TimeProvider time,
    ILogger<FederationGetClient> logger)
{
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(15);

    /// <summary>
    /// GETs <paramref name="pathAndQuery"/> (signed byte for byte, so it must need no escaping) from
    /// <paramref name="domain"/>; null on any failure (undiscoverable peer, non-2xx, bad JSON, timeout), logged.
    /// </summary>
    public Task<T?> GetAsync<T>(string domain, string pathAndQuery, CancellationToken ct) where T : class =>
        SendAsync<T>(HttpMethod.Get, domain, pathAndQuery, [], ct);

    /// <summary>POSTs <paramref name="body"/> as JSON (signed over exactly these bytes); null on any failure, as <see cref="GetAsync{T}"/>.</summary>
    public Task<T?> PostAsync<T>(string domain, string path, object body, CancellationToken ct) where T : class =>
        SendAsync<T>(HttpMethod.Post, domain, path, JsonSerializer.SerializeToUtf8Bytes(body, ApiResults.Json), ct);

    private async Task<T?> SendAsync<T>(HttpMethod method, string domain, string pathAndQuery, byte[] body, CancellationToken ct) where T : class
    {
        if (DomainNames.Normalize(domain) is not { } normalized || normalized == server.Value.Domain
            || await discovery.DiscoverAsync(normalized, ct) is not { } peer)
        {
            return null;
        }
        var headers = RequestSigning.Sign(signingKey, server.Value.Domain, method.Method, pathAndQuery, RequestSigning.FormatTimestamp(time.GetUtcNow()), body);
        using var request = new HttpRequestMessage(method, peer.ApiBaseUrl + pathAndQuery);
        if (method != HttpMethod.Get)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        }
        request.Headers.Add(FederationHeaders.Origin, headers.Origin);
        request.Headers.Add(FederationHeaders.Timestamp, headers.Timestamp);
        request.Headers.Add(FederationHeaders.Signature, headers.Signature);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            using var response = await httpClients.CreateClient(PeerDiscovery.HttpClientName).SendAsync(request, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                LogGetFailed(PathOnly(pathAndQuery), domain, $"HTTP {(int)response.StatusCode}");
                return null;
            }
            return await response.Content.ReadFromJsonAsync<T>(ApiResults.Json, timeout.Token);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or NotSupportedException
            || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            LogGetFailed(PathOnly(pathAndQuery), domain, ex.GetType().Name);
            return null;
        }
    }

    // The query carries a username; the path alone says which lookup failed.
    private static string PathOnly(string pathAndQuery) => pathAndQuery.Split('?')[0];

    [LoggerMessage(Level = LogLevel.Warning, Message = "Federation request {Path} at {Domain} failed: {Reason}")]
    private partial void LogGetFailed(string path, string domain, string reason);
}
