using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using D3Chat.Core.Crypto;
using D3Chat.Core.Hosting;
using D3Chat.Core.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace D3Chat.Core.Federation;

/// <summary>The result of one POST to a peer's inbox.</summary>
internal sealed record SendResult(bool Delivered, bool Permanent, string? Error)
{
    public static readonly SendResult Ok = new(true, false, null);

    public static SendResult Transient(string error) => new(false, false, error);
}

/// <summary>
/// The result of one batch: <see cref="Request"/> when the request as a whole failed, otherwise one
/// result per event, in the order sent.
/// </summary>
internal sealed record BatchSendResult(SendResult Request, IReadOnlyList<BatchEventResult> Events);

/// <summary>
/// POSTs one signed event to a peer's inbox (spec §3-4): 200/201 (any 2xx) counts as delivered; or a
/// batch of events to its transactions endpoint (§4.1), whose answer says which were delivered.
/// </summary>
public sealed partial class FederationSender(
    PeerDiscovery discovery, IHttpClientFactory httpClients, ServerSigningKey signingKey, IOptions<ServerOptions> server, TimeProvider time,
    ILogger<FederationSender> logger)
{
    /// <summary>Per-request timeout of the reference's sender.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(15);

    internal async Task<SendResult> SendAsync(string destination, string body, CancellationToken ct)
    {
        var (result, _) = await PostAsync(destination, FederationHeaders.InboxPath, Encoding.UTF8.GetBytes(body), readAnswer: false, ct);
        return result;
    }

    /// <summary>Sends <paramref name="bodies"/> (already cut by <see cref="FederationBatches"/>) as one signed request.</summary>
    internal async Task<BatchSendResult> SendBatchAsync(string destination, IReadOnlyList<(string EventId, string Body)> events, CancellationToken ct)
    {
        var (result, answer) = await PostAsync(destination, FederationHeaders.TransactionsPath,
            FederationBatches.Serialize(events.Select(e => e.Body)), readAnswer: true, ct);
        if (!result.Delivered)
        {
            return new BatchSendResult(result, []);
        }
        // An answer that does not account for every event in order is not trusted: retry the batch.
        var results = answer?.Results;
        if (results is null || results.Count != events.Count || results.Where((r, i) => r.EventId != events[i].EventId && r.Status != BatchEventResult.Rejected).Any())
        {
            return new BatchSendResult(SendResult.Transient("unexpected batch answer"), []);
        }
        return new BatchSendResult(result, results);
    }

    private async Task<(SendResult Result, BatchAck? Answer)> PostAsync(string destination, string path, byte[] bytes, bool readAnswer, CancellationToken ct)
    {
        if (await discovery.DiscoverAsync(destination, ct) is not { } peer)
        {
            return (SendResult.Transient("discovery failed"), null);
        }
        var started = Stopwatch.GetTimestamp();
        var headers = RequestSigning.Sign(signingKey, server.Value.Domain, "POST", path,
            RequestSigning.FormatTimestamp(time.GetUtcNow()), bytes);
        using var request = new HttpRequestMessage(HttpMethod.Post, peer.ApiBaseUrl + path)
        {
            Content = new ByteArrayContent(bytes),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(FederationHeaders.Origin, headers.Origin);
        request.Headers.Add(FederationHeaders.Timestamp, headers.Timestamp);
        request.Headers.Add(FederationHeaders.Signature, headers.Signature);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(RequestTimeout);
        var signed = Stopwatch.GetTimestamp();
        try
        {
            using var response = await httpClients.CreateClient(PeerDiscovery.HttpClientName).SendAsync(request, timeout.Token);
            var status = (int)response.StatusCode;
            LogSent(path, destination, bytes.Length, Stopwatch.GetElapsedTime(started, signed).TotalMilliseconds,
                Stopwatch.GetElapsedTime(signed).TotalMilliseconds, status);
            if (!response.IsSuccessStatusCode)
            {
                return (new SendResult(false, Backoff.PermanentStatuses.Contains(status), $"HTTP {status}"), null);
            }
            return (SendResult.Ok, readAnswer ? await response.Content.ReadFromJsonAsync<BatchAck>(ApiResults.Json, timeout.Token) : null);
        }
        catch (HttpRequestException ex)
        {
            return (SendResult.Transient($"{nameof(HttpRequestException)} {ex.HttpRequestError}"), null);
        }
        catch (System.Text.Json.JsonException)
        {
            return (SendResult.Transient("unreadable batch answer"), null);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (SendResult.Transient("timeout"), null);
        }
    }

    // Where a send's time goes (issue 14): signing is ours, the round trip is the network and the peer.
    [LoggerMessage(Level = LogLevel.Debug, Message = "POST {Path} to {Destination}: {Bytes} bytes signed in {SignMs:F2} ms, answered {Status} after {RoundTripMs:F1} ms")]
    private partial void LogSent(string path, string destination, int bytes, double signMs, double roundTripMs, int status);
}
