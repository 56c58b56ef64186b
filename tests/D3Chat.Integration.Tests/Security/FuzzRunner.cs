using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using D3Chat.Integration.Tests.Infrastructure;

namespace D3Chat.Integration.Tests.Security;

/// <summary>What one fuzz request got back (the body is kept only to check its <c>detail</c>, never printed).</summary>
public sealed record FuzzResult(FuzzCase Case, int Status, bool HasDetail, string? Failure);

/// <summary>
/// Sends the fuzz run's cases to a server and checks each answer: no status of 500 or more, a
/// JSON <c>detail</c> on every 4xx, and no table's row count changed by a 4xx. Cases the server is
/// expected to refuse are sent a few at a time and checked per batch; a batch in which something
/// succeeded (a 2xx may change rows) has its refusals sent again one by one, each between two
/// snapshots, so every 4xx is checked on its own.
/// </summary>
public sealed class FuzzRunner(D3ChatServer server, FuzzWorld world, TextWriter log) : IAsyncDisposable
{
    /// <summary>Refusals the web server itself sends before any function runs: no body, so no JSON detail.</summary>
    public static readonly IReadOnlySet<int> TransportStatuses = new HashSet<int> { 414, 431 };

    // Categories whose requests are refused by construction (a success is possible, and then checked as above).
    private static readonly IReadOnlySet<string> Parallel = new HashSet<string>
    {
        "malformed JSON", "wrong type", "missing field", "bad path id", "bad paging or query value", "bad multipart", "oversize body",
        "bad credentials", "random mutation",
    };

    private const int BatchSize = 6;

    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = BatchSize,
        AllowAutoRedirect = false,
        // Non-ASCII header values go out as raw UTF-8, as a hostile client would send them.
        RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8,
    })
    {
        BaseAddress = server.Host.BaseAddress,
        Timeout = TimeSpan.FromSeconds(60),
    };

    private readonly TableCounts _counts = new(server);

    public List<FuzzResult> Results { get; } = [];

    public List<string> Failures { get; } = [];

    public int Renewals { get; private set; }

    public int Resent { get; private set; }

    public int BackgroundChanges { get; private set; }

    public async Task RunAsync(IReadOnlyList<FuzzCase> cases)
    {
        var before = await _counts.SnapshotAsync();
        foreach (var batch in Batches(cases))
        {
            var results = await Task.WhenAll(batch.Select(SendAsync));
            Results.AddRange(results);
            var after = await _counts.SnapshotAsync();
            var refused = results.Where(r => r.Status is >= 400 and < 500).ToList();
            var succeeded = results.Any(r => r.Status is >= 200 and < 300);
            var changed = TableCounts.Difference(before, after);
            // A lone success needs no check; refusals next to a success, or refusals with changed rows, are sent again alone.
            if (succeeded && batch.Count > 1 || !succeeded && changed.Length > 0)
            {
                foreach (var result in refused)
                {
                    await CheckAloneAsync(result.Case);
                }
            }
            if (results.Where(r => r.Status is >= 200 and < 300).Select(r => r.Case.Operation.OperationId)
                    .Where(FuzzSeeds.Spends.ContainsKey).Select(id => FuzzSeeds.Spends[id]).ToList() is { Count: > 0 } spent)
            {
                await world.RenewAsync(owner: spent.Any(s => s.Owner), member: spent.Any(s => s.Member));
                Renewals++;
            }
            before = await _counts.SnapshotAsync();
        }
    }

    /// <summary>Sends a refused case again between two snapshots; a change twice in a row is the case's, once is background work.</summary>
    private async Task CheckAloneAsync(FuzzCase fuzzCase)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var before = await _counts.SnapshotAsync();
            var result = await SendAsync(fuzzCase);
            Results.Add(result);
            Resent++;
            var changed = TableCounts.Difference(before, await _counts.SnapshotAsync());
            if (result.Status is < 400 or >= 500 || changed.Length == 0)
            {
                return;
            }
            if (attempt == 1)
            {
                Fail(fuzzCase, result.Status, $"rows changed by a {result.Status}: {changed}");
                return;
            }
            BackgroundChanges++;
            await Task.Delay(500);
        }
    }

    private static IEnumerable<List<FuzzCase>> Batches(IReadOnlyList<FuzzCase> cases)
    {
        var batch = new List<FuzzCase>();
        foreach (var fuzzCase in cases)
        {
            if (!Parallel.Contains(fuzzCase.Category))
            {
                if (batch.Count > 0)
                {
                    yield return batch;
                    batch = [];
                }
                yield return [fuzzCase];
                continue;
            }
            batch.Add(fuzzCase);
            if (batch.Count == BatchSize)
            {
                yield return batch;
                batch = [];
            }
        }
        if (batch.Count > 0)
        {
            yield return batch;
        }
    }

    private async Task<FuzzResult> SendAsync(FuzzCase fuzzCase)
    {
        var built = fuzzCase.Build(world);
        using var request = new HttpRequestMessage(built.Method, built.PathAndQuery) { Content = built.Content };
        foreach (var (name, value) in built.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        var authorization = built.Authorization ?? (fuzzCase.Caller, fuzzCase.Operation) switch
        {
            (FuzzCaller.Anonymous, _) => null,
            (_, { IsAdmin: true }) => "Bearer " + world.Admin.AccessToken,
            (_, { Secured: true }) => "Bearer " + world.Owner.Client.AccessToken,
            _ => null,
        };
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request);
        }
        catch (HttpRequestException ex)
        {
            // The server may answer an oversize body early and close the connection while the client still sends.
            log.WriteLine($"  {fuzzCase}: no response ({ex.HttpRequestError})");
            return new FuzzResult(fuzzCase, 0, false, null);
        }
        using (response)
        {
            var status = (int)response.StatusCode;
            var body = await response.Content.ReadAsStringAsync();
            var hasDetail = HasDetail(body);
            string? failure = null;
            if (status >= 500)
            {
                failure = $"status {status}";
            }
            else if (status >= 400 && !hasDetail && !TransportStatuses.Contains(status) && !IsNulPathRefusal(built, status, body))
            {
                failure = $"{status} without a JSON detail";
            }
            else if (response.Headers.Contains("X-Injected") || response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.Contains("fuzz", StringComparison.Ordinal)))
            {
                failure = "a header was injected into the response";
            }
            if (failure is not null)
            {
                Fail(fuzzCase, status, failure);
            }
            return new FuzzResult(fuzzCase, status, hasDetail, failure);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _counts.DisposeAsync();
    }

    private void Fail(FuzzCase fuzzCase, int status, string what)
    {
        lock (Failures)
        {
            Failures.Add($"{fuzzCase.Operation.Method} {fuzzCase.Operation.Template} → {status} [{fuzzCase.Category}: {fuzzCase.Mutation}] {what}");
        }
    }

    /// <summary>The web server refuses a path with an encoded NUL itself (400, no body) before any function runs.</summary>
    private static bool IsNulPathRefusal(FuzzRequest request, int status, string body) =>
        status == 400 && body.Length == 0 && request.PathAndQuery.Split('?')[0].Contains("%00", StringComparison.Ordinal);

    private static bool HasDetail(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("detail", out var detail)
                && detail.ValueKind is JsonValueKind.String or JsonValueKind.Array;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
