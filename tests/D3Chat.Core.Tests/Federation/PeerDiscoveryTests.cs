using System.Net;
using D3Chat.Core.Federation;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace D3Chat.Core.Tests.Federation;

public sealed class PeerDiscoveryTests
{
    private const string Key = "5zTqbCtiV95yNV5HKqBaTEh+a0Y8Ap7TBt8vAbVja1g=";

    private readonly FakeHandler _http = new();
    private readonly InMemoryServers _servers = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-02-16T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    private PeerDiscovery Discovery(string allowHttp = "127.0.0.1") =>
        new(new FakeFactory(_http), _servers, Options.Create(new FederationOptions { AllowHttpHosts = allowHttp }), _time, NullLogger<PeerDiscovery>.Instance);

    [Fact]
    public async Task Discover_HttpsAnswers_UsesItAndStoresTheRow()
    {
        _http.Respond("https://peer.example/.well-known/d3chat-server", Document("https://peer.example"));

        var peer = await Discovery().DiscoverAsync("peer.example", default);

        Assert.Equal(new PeerServer("peer.example", Key, "https://peer.example", 1), peer);
        Assert.Equal(peer, _servers.Rows["peer.example"]);
        Assert.Equal(["https://peer.example/.well-known/d3chat-server"], _http.Requested);
    }

    [Fact]
    public async Task Discover_HttpsFailsForAllowedHost_FallsBackToHttp()
    {
        _http.Respond("http://127.0.0.1:5000/.well-known/d3chat-server", Document("http://127.0.0.1:5000"));

        var peer = await Discovery().DiscoverAsync("127.0.0.1:5000", default);

        Assert.Equal("http://127.0.0.1:5000", peer!.ApiBaseUrl);
        Assert.Equal(["https://127.0.0.1:5000/.well-known/d3chat-server", "http://127.0.0.1:5000/.well-known/d3chat-server"], _http.Requested);
    }

    [Fact]
    public async Task Discover_HttpsFailsForOtherHost_NeverTriesHttp()
    {
        _http.Respond("http://peer.example/.well-known/d3chat-server", Document(null));

        var peer = await Discovery().DiscoverAsync("peer.example", default);

        Assert.Null(peer);
        Assert.Equal(["https://peer.example/.well-known/d3chat-server"], _http.Requested);
        Assert.Empty(_servers.Rows);
    }

    [Fact]
    public async Task Discover_HttpApiBaseUrlOfNonAllowedHost_IsUpgradedToHttps()
    {
        _http.Respond("https://peer.example/.well-known/d3chat-server", Document(null));

        var peer = await Discovery().DiscoverAsync("peer.example", default);

        Assert.Equal("https://peer.example", peer!.ApiBaseUrl);
    }

    [Fact]
    public async Task Discover_DocumentWithoutValidKey_Fails()
    {
        _http.Respond("https://peer.example/.well-known/d3chat-server", """{"domain":"peer.example","signing_key_public":"short"}""");

        Assert.Null(await Discovery().DiscoverAsync("peer.example", default));
        Assert.Empty(_servers.Rows);
    }

    [Fact]
    public async Task Discover_StoredRow_TrustedWithoutFetching()
    {
        _servers.Rows["peer.example"] = new PeerServer("peer.example", Key, "https://peer.example", 1);

        var peer = await Discovery().DiscoverAsync("peer.example", default);

        Assert.NotNull(peer);
        Assert.Empty(_http.Requested);
    }

    [Fact]
    public async Task Discover_FailureIsRemembered_ForAMinute()
    {
        var discovery = Discovery();
        await discovery.DiscoverAsync("dead.example", default);

        _time.Advance(PeerDiscovery.FailureCacheTtl - TimeSpan.FromSeconds(1));
        var remembered = await discovery.DiscoverAsync("dead.example", default);
        _time.Advance(TimeSpan.FromSeconds(1));
        _http.Respond("https://dead.example/.well-known/d3chat-server", Document("https://dead.example"));
        var retried = await discovery.DiscoverAsync("dead.example", default);

        Assert.Null(remembered);
        Assert.NotNull(retried);
        Assert.Equal(["https://dead.example/.well-known/d3chat-server", "https://dead.example/.well-known/d3chat-server"], _http.Requested);
    }

    [Fact]
    public async Task Discover_SecondCallWithinAnHour_ServedFromCache()
    {
        _http.Respond("https://peer.example/.well-known/d3chat-server", Document("https://peer.example"));
        var discovery = Discovery();
        await discovery.DiscoverAsync("peer.example", default);
        _servers.Rows.Clear();

        _time.Advance(TimeSpan.FromMinutes(59));
        var cached = await discovery.DiscoverAsync("peer.example", default);

        Assert.NotNull(cached);
        Assert.Single(_http.Requested);
    }

    [Theory]
    [InlineData("", 1)]                       // no field: a reference server, one event per request
    [InlineData(",\"max_batch_events\":20", 20)]
    [InlineData(",\"max_batch_events\":1", 1)]
    [InlineData(",\"max_batch_events\":0", 1)]
    [InlineData(",\"max_batch_events\":-5", 1)]
    [InlineData(",\"max_batch_events\":1000000", FederationBatches.MaxEvents)]
    [InlineData(",\"max_batch_events\":1e400", 1)]
    [InlineData(",\"max_batch_events\":2.5", 1)]
    [InlineData(",\"max_batch_events\":\"50\"", 1)]
    [InlineData(",\"max_batch_events\":\"many\"", 1)]
    [InlineData(",\"max_batch_events\":null", 1)]
    [InlineData(",\"max_batch_events\":[50]", 1)]
    public async Task Discover_AnyMaxBatchEvents_StillDiscoversAndClampsTheBatchLimit(string field, int expected)
    {
        _http.Respond("https://peer.example/.well-known/d3chat-server",
            $$"""{"domain":"peer.example","signing_key_public":"{{Key}}","api_base_url":"https://peer.example","protocol_version":1{{field}}}""");
        var discovery = Discovery();

        var peer = await discovery.DiscoverAsync("peer.example", default);
        var limit = await discovery.BatchLimitAsync("peer.example", default);

        Assert.Equal(new PeerServer("peer.example", Key, "https://peer.example", 1), peer);
        Assert.Equal(expected, limit);
        Assert.Single(_http.Requested);
    }

    [Fact]
    public async Task BatchLimit_DocumentUnreadable_OneEventPerRequest()
    {
        Assert.Equal(1, await Discovery().BatchLimitAsync("peer.example", default));
    }

    [Theory]
    [InlineData("peer.example/evil")]
    [InlineData("user@peer.example")]
    [InlineData("")]
    public async Task Discover_InvalidDomain_NoRequest(string domain)
    {
        Assert.Null(await Discovery().DiscoverAsync(domain, default));
        Assert.Empty(_http.Requested);
    }

    private static string Document(string? apiBaseUrl) =>
        apiBaseUrl is null
            ? $$"""{"domain":"x","signing_key_public":"{{Key}}","protocol_version":1}"""
            : $$"""{"domain":"x","signing_key_public":"{{Key}}","api_base_url":"{{apiBaseUrl}}","protocol_version":1}""";

    private sealed class InMemoryServers : IPeerServerStore
    {
        public Dictionary<string, PeerServer> Rows { get; } = [];

        public Task UpsertAsync(PeerServer server, bool isLocal, DateTimeOffset now, CancellationToken ct)
        {
            Rows[server.Domain] = server;
            return Task.CompletedTask;
        }

        public Task<PeerServer?> FindAsync(string domain, CancellationToken ct) => Task.FromResult(Rows.GetValueOrDefault(domain));
    }

    /// <summary>Answers known URLs with a document; every other URL fails like an unreachable host.</summary>
    private sealed class FakeHandler : HttpMessageHandler
    {
        private readonly Dictionary<string, string> _answers = [];

        public List<string> Requested { get; } = [];

        public void Respond(string url, string json) => _answers[url] = json;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var url = request.RequestUri!.ToString();
            Requested.Add(url);
            return _answers.TryGetValue(url, out var json)
                ? Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") })
                : throw new HttpRequestException("connection refused");
        }
    }

    private sealed class FakeFactory(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(handler, disposeHandler: false);
    }
}
