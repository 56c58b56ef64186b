using System.Net;
using D3Chat.Client;
using D3Chat.Integration.Tests.Infrastructure;

namespace D3Chat.Integration.Tests.Accounts;

/// <summary>
/// A server with a limit of 5 requests a minute that trusts 127.0.0.1 as a proxy, so each test
/// gets its own bucket by sending a random client address in X-Forwarded-For.
/// </summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private D3ChatServer _server = null!;

    public async Task InitializeAsync() => _server = await D3ChatServer.StartAsync(new Dictionary<string, string>
    {
        ["RateLimit__PerMinute"] = "5",
        ["RateLimit__TrustedProxies"] = "127.0.0.1, ::1",
        ["Redis__ConnectionString"] = $"{TestEnvironment.Redis},defaultDatabase=0",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private D3ChatClient ClientFrom(string ip)
    {
        var client = _server.CreateClient();
        client.Http.DefaultRequestHeaders.Add("X-Forwarded-For", ip);
        return client;
    }

    private static string RandomIp() => $"10.{Random.Shared.Next(256)}.{Random.Shared.Next(256)}.{Random.Shared.Next(1, 255)}";

    [Fact]
    public async Task SixthRequestInAMinute_Is429WithRetryAfter_OtherClientsUnaffected()
    {
        var client = ClientFrom($"203.0.113.9, {RandomIp()}");
        for (var i = 0; i < 5; i++)
        {
            using var ok = await client.SendAsync(HttpMethod.Get, "/api/v1/config");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var limited = await client.SendAsync(HttpMethod.Get, "/api/v1/config");
        using var other = await ClientFrom(RandomIp()).SendAsync(HttpMethod.Get, "/api/v1/config");

        Assert.Equal((HttpStatusCode)429, limited.StatusCode);
        Assert.Equal("Rate limit exceeded", D3ChatClient.ReadDetail(await limited.Content.ReadAsStringAsync()));
        Assert.Equal("10", limited.Headers.GetValues("Retry-After").Single());
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task UnauthenticatedAndAuthenticatedRoutes_ShareTheBucket()
    {
        var client = ClientFrom(RandomIp());
        await client.RegisterAsync(Names.Username(), Names.Password);
        await client.GetMeAsync();
        using var _1 = await client.SendAsync(HttpMethod.Post, "/api/v1/auth/login", new { username = "x", password = "y" });
        await client.ListDevicesAsync();
        using var _2 = await client.SendAsync(HttpMethod.Get, $"/api/v1/avatars/{Guid.NewGuid()}");

        var error = await Assert.ThrowsAsync<ApiException>(() => client.GetMeAsync());

        Assert.Equal((HttpStatusCode)429, error.Status);
    }

    [Fact]
    public async Task HealthAndWellKnown_AreNeverLimited()
    {
        var client = ClientFrom(RandomIp());
        for (var i = 0; i < 6; i++)
        {
            using var _ = await client.SendAsync(HttpMethod.Get, "/api/v1/config");
        }

        using var health = await client.SendAsync(HttpMethod.Get, "/health");
        using var wellKnown = await client.SendAsync(HttpMethod.Get, "/.well-known/d3chat-server");

        Assert.NotEqual((HttpStatusCode)429, health.StatusCode);
        Assert.NotEqual((HttpStatusCode)429, wellKnown.StatusCode);
    }
}
