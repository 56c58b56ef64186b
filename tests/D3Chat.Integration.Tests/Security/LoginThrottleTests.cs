using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using D3Chat.Core.Auth;
using D3Chat.Integration.Tests.Infrastructure;

namespace D3Chat.Integration.Tests.Security;

/// <summary>
/// Issue 12 item 11: repeated failed logins are slowed per (username, address) and per address. The
/// server trusts loopback as a proxy, so each test speaks from its own addresses through
/// <c>X-Forwarded-For</c>; its own server, since an address-wide pause would hold up other tests.
/// </summary>
public sealed class LoginThrottleTests(LoginThrottleTests.ProxiedServer fixture) : IClassFixture<LoginThrottleTests.ProxiedServer>
{
    private readonly D3ChatServer _server = fixture.Server;
    private readonly HttpClient _http = fixture.Http;

    /// <summary>One server for the class, trusting loopback as a proxy.</summary>
    public sealed class ProxiedServer : IAsyncLifetime
    {
        public D3ChatServer Server { get; private set; } = null!;

        public HttpClient Http { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Server = await D3ChatServer.StartAsync(new Dictionary<string, string> { ["RateLimit__TrustedProxies"] = "127.0.0.1" });
            Http = new HttpClient { BaseAddress = Server.Host.BaseAddress };
        }

        public async Task DisposeAsync()
        {
            Http.Dispose();
            await Server.DisposeAsync();
        }
    }

    [Fact]
    public async Task FailuresForOneNameFromOneAddress_PauseItsLoginsWithRetryAfter_WithoutCheckingThePassword()
    {
        var username = await RegisterAsync();
        var (attacker, owner) = (Address(), Address());

        var failures = await FailAsync(username, attacker, LoginThrottle.FailuresPerAccount);
        using var paused = await LoginAsync(username, Names.Password, attacker);
        using var elsewhere = await LoginAsync(username, Names.Password, owner);

        Assert.All(failures, s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, paused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(15), paused.Headers.RetryAfter?.Delta);
        Assert.Equal("Too many failed logins. Try again in 15 seconds", await DetailAsync(paused));
        Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);
    }

    [Fact]
    public async Task UnknownName_IsPausedExactlyLikeAnExistingOne()
    {
        var (nobody, address) = (Names.Username("nobody"), Address());

        var failures = await FailAsync(nobody, address, LoginThrottle.FailuresPerAccount);
        using var paused = await LoginAsync(nobody, "any password here", address);

        Assert.All(failures, s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, paused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(15), paused.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task ASuccess_StartsTheCountAgain()
    {
        var username = await RegisterAsync();
        var address = Address();

        var before = await FailAsync(username, address, LoginThrottle.FailuresPerAccount - 1);
        using var success = await LoginAsync(username, Names.Password, address);
        var after = await FailAsync(username, address, LoginThrottle.FailuresPerAccount);
        using var paused = await LoginAsync(username, Names.Password, address);

        Assert.All(before.Concat(after), s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.Equal(HttpStatusCode.OK, success.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, paused.StatusCode);
    }

    [Fact]
    public async Task AFailureAfterThePause_DoublesIt()
    {
        var username = await RegisterAsync();
        var address = Address();
        await FailAsync(username, address, LoginThrottle.FailuresPerAccount);

        // Polls (each refused attempt counts nothing) until the first pause is over.
        await Eventually.TrueAsync(async () =>
        {
            using var attempt = await LoginAsync(username, "wrong password!", address);
            return attempt.StatusCode == HttpStatusCode.Unauthorized;
        }, TimeSpan.FromSeconds(40), "the first pause to end");
        using var paused = await LoginAsync(username, Names.Password, address);

        Assert.Equal(HttpStatusCode.TooManyRequests, paused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(30), paused.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task FailuresFromOneAddressAcrossNames_PauseEveryLoginFromIt_AndNoOtherAddress()
    {
        var username = await RegisterAsync();
        var (attacker, other) = (Address(), Address());

        var failures = new List<HttpStatusCode>();
        for (var i = 0; i < LoginThrottle.FailuresPerAddress; i++)
        {
            failures.AddRange(await FailAsync(Names.Username("guess"), attacker, 1));
        }
        using var paused = await LoginAsync(username, Names.Password, attacker);
        using var elsewhere = await LoginAsync(username, Names.Password, other);

        Assert.All(failures, s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, paused.StatusCode);
        Assert.NotNull(paused.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);
    }

    private async Task<string> RegisterAsync()
    {
        var username = Names.Username("victim");
        await _server.CreateClient().RegisterAsync(username, Names.Password);
        return username;
    }

    private async Task<List<HttpStatusCode>> FailAsync(string username, string address, int times)
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < times; i++)
        {
            using var response = await LoginAsync(username, "wrong password!", address);
            statuses.Add(response.StatusCode);
        }
        return statuses;
    }

    private async Task<HttpResponseMessage> LoginAsync(string username, string password, string address)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login") { Content = JsonContent.Create(new { username, password }) };
        request.Headers.Add("X-Forwarded-For", address);
        return await _http.SendAsync(request);
    }

    private static async Task<string?> DetailAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();

    // A documentation-range address (RFC 5737) per use, so tests never share counters.
    private static string Address() => $"198.51.{Random.Shared.Next(0, 256)}.{Random.Shared.Next(1, 255)}";
}
