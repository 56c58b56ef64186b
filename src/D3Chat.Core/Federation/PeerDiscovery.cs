using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace D3Chat.Core.Federation;

/// <summary>
/// Finds a peer's signing key and API base URL (spec federation.md §2.2): in-process cache (1 h),
/// then the stored <c>servers</c> row (trust on first use), then the peer's well-known document over
/// https, falling back to plain http only for hosts listed in <c>Federation__AllowHttpHosts</c>.
/// </summary>
public sealed partial class PeerDiscovery(
    IHttpClientFactory httpClients,
    IPeerServerStore servers,
    IOptions<FederationOptions> options,
    TimeProvider time,
    ILogger<PeerDiscovery> logger)
{
    /// <summary>Name of the <see cref="HttpClient"/> used for every outbound federation request.</summary>
    public const string HttpClientName = "federation";

    public const string WellKnownPath = "/.well-known/d3chat-server";

    public static readonly TimeSpan CacheTtl = TimeSpan.FromSeconds(3600);

    public static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long a failed discovery is remembered: unsigned requests naming a dead or fake host cost one fetch per minute, not one each.</summary>
    public static readonly TimeSpan FailureCacheTtl = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<string, (PeerServer Server, DateTimeOffset At)> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _failures = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (int Events, DateTimeOffset Until)> _batchLimits = new(StringComparer.Ordinal);

    /// <summary>
    /// How many events one request to <paramref name="domain"/> may carry (spec §4.1): the
    /// <c>max_batch_events</c> of its current well-known document, 1 for a peer that does not offer
    /// batches (the reference) or whose document cannot be read. Read afresh every hour, independent of
    /// the trusted key, so a peer that upgrades or turns batching off is followed.
    /// </summary>
    public async Task<int> BatchLimitAsync(string domain, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_batchLimits.TryGetValue(domain, out var known) && now < known.Until)
        {
            return known.Events;
        }
        var document = DomainNames.IsValid(domain) ? await FetchDocumentAsync(domain, ct) : null;
        return RememberBatchLimit(domain, document, now);
    }

    private int RememberBatchLimit(string domain, WellKnownDocument? document, DateTimeOffset now)
    {
        var events = BatchLimitOf(document?.MaxBatchEvents);
        _batchLimits[domain] = (events, now + (document is null ? FailureCacheTtl : CacheTtl));
        return events;
    }

    /// <summary>The peer, or null when it cannot be discovered (the reason is logged).</summary>
    public async Task<PeerServer?> DiscoverAsync(string domain, CancellationToken ct)
    {
        if (!DomainNames.IsValid(domain))
        {
            return null;
        }
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(domain, out var hit) && now - hit.At < CacheTtl)
        {
            return hit.Server;
        }
        var server = await servers.FindAsync(domain, ct);
        if (server is null)
        {
            if (_failures.TryGetValue(domain, out var failedAt) && now - failedAt < FailureCacheTtl)
            {
                return null;
            }
            server = await FetchAsync(domain, ct);
        }
        if (server is null)
        {
            _failures[domain] = now;
            return null;
        }
        _failures.TryRemove(domain, out _);
        _cache[domain] = (server, now);
        return server;
    }

    private async Task<PeerServer?> FetchAsync(string domain, CancellationToken ct)
    {
        var document = await FetchDocumentAsync(domain, ct);
        if (document is null)
        {
            return null;
        }
        var server = new PeerServer(
            domain,
            document.SigningKeyPublic!,
            BaseUrl(document.ApiBaseUrl, domain),
            document.ProtocolVersion ?? 1);
        await servers.UpsertAsync(server, isLocal: false, time.GetUtcNow(), ct);
        RememberBatchLimit(domain, document, time.GetUtcNow());
        LogDiscovered(domain);
        return server;
    }

    private async Task<WellKnownDocument?> FetchDocumentAsync(string domain, CancellationToken ct)
    {
        var document = await TryFetchAsync(new Uri($"https://{domain}{WellKnownPath}"), domain, ct);
        if (document is null && options.Value.AllowsHttp(domain))
        {
            document = await TryFetchAsync(new Uri($"http://{domain}{WellKnownPath}"), domain, ct);
        }
        return document;
    }

    private async Task<WellKnownDocument?> TryFetchAsync(Uri url, string domain, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(FetchTimeout);
        try
        {
            var client = httpClients.CreateClient(HttpClientName);
            using var response = await client.GetAsync(url, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                LogFetchFailed(domain, url.Scheme, $"HTTP {(int)response.StatusCode}");
                return null;
            }
            var document = await response.Content.ReadFromJsonAsync<WellKnownDocument>(Http.ApiResults.Json, timeout.Token);
            if (document is null || !IsPublicKey(document.SigningKeyPublic))
            {
                LogFetchFailed(domain, url.Scheme, "no valid signing_key_public");
                return null;
            }
            return document;
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or NotSupportedException
            || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            LogFetchFailed(domain, url.Scheme, ex.GetType().Name);
            return null;
        }
    }

    /// <summary>
    /// The peer's api_base_url (default <c>http://{domain}</c>, spec §2.2), upgraded to https unless
    /// the host may be reached over http, so a peer document cannot downgrade our outbound requests.
    /// </summary>
    private string BaseUrl(string? advertised, string domain)
    {
        var url = string.IsNullOrWhiteSpace(advertised) ? $"http://{domain}" : advertised.TrimEnd('/');
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return $"https://{domain}";
        }
        return uri.Scheme == "http" && !options.Value.AllowsHttp(uri.Authority) ? "https" + url[4..] : url;
    }

    private static bool IsPublicKey(string? value)
    {
        Span<byte> buffer = stackalloc byte[64];
        return value is { Length: 44 } && Convert.TryFromBase64String(value, buffer, out var written) && written == 32;
    }

    /// <summary>
    /// A peer's <c>max_batch_events</c>, read leniently: the field is ours, not the reference's, so a
    /// value that is not a whole number (a string, 2.5, null) means no batches and a huge one is capped
    /// at <see cref="FederationBatches.MaxEvents"/>; either way the rest of the document still counts.
    /// </summary>
    internal static int BatchLimitOf(JsonElement? value) =>
        value is { ValueKind: JsonValueKind.Number } number && number.TryGetDecimal(out var events) && events == decimal.Truncate(events)
            ? (int)Math.Clamp(events, 1, FederationBatches.MaxEvents)
            : 1;

    private sealed record WellKnownDocument(string? Domain, string? SigningKeyPublic, string? ApiBaseUrl, int? ProtocolVersion, JsonElement? MaxBatchEvents);

    [LoggerMessage(Level = LogLevel.Information, Message = "Discovered federation peer {Domain}")]
    private partial void LogDiscovered(string domain);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Discovery of {Domain} over {Scheme} failed: {Reason}")]
    private partial void LogFetchFailed(string domain, string scheme, string reason);
}
