using System.Net.Http.Headers;
using System.Text;
using D3Chat.Core.Crypto;
using D3Chat.Core.Hosting;
using Microsoft.Extensions.Options;

namespace D3Chat.Core.Federation;

/// <summary>The result of one POST to a peer's inbox.</summary>
public sealed record SendResult(bool Delivered, bool Permanent, string? Error)
{
    public static readonly SendResult Ok = new(true, false, null);

    public static SendResult Transient(string error) => new(false, false, error);
}

/// <summary>POSTs one signed event to a peer's inbox (spec §3-4): 200/201 (any 2xx) counts as delivered.</summary>
public sealed class FederationSender(
    PeerDiscovery discovery, IHttpClientFactory httpClients, ServerSigningKey signingKey, IOptions<ServerOptions> server, TimeProvider time)
{
    /// <summary>Per-request timeout of the reference's sender.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(15);

    public async Task<SendResult> SendAsync(string destination, string body, CancellationToken ct)
    {
        if (await discovery.DiscoverAsync(destination, ct) is not { } peer)
        {
            return SendResult.Transient("discovery failed");
        }
        var bytes = Encoding.UTF8.GetBytes(body);
        var headers = RequestSigning.Sign(signingKey, server.Value.Domain, "POST", FederationHeaders.InboxPath,
            RequestSigning.FormatTimestamp(time.GetUtcNow()), bytes);
        using var request = new HttpRequestMessage(HttpMethod.Post, peer.ApiBaseUrl + FederationHeaders.InboxPath)
        {
            Content = new ByteArrayContent(bytes),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(FederationHeaders.Origin, headers.Origin);
        request.Headers.Add(FederationHeaders.Timestamp, headers.Timestamp);
        request.Headers.Add(FederationHeaders.Signature, headers.Signature);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            using var response = await httpClients.CreateClient(PeerDiscovery.HttpClientName).SendAsync(request, timeout.Token);
            var status = (int)response.StatusCode;
            return response.IsSuccessStatusCode ? SendResult.Ok
                : new SendResult(false, Backoff.PermanentStatuses.Contains(status), $"HTTP {status}");
        }
        catch (HttpRequestException ex)
        {
            return SendResult.Transient($"{nameof(HttpRequestException)} {ex.HttpRequestError}");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return SendResult.Transient("timeout");
        }
    }
}
