using D3Chat.Integration.Tests.Infrastructure;

namespace D3Chat.Integration.Tests.Accounts;

public sealed class RedisDownTests
{
    [Fact]
    public async Task AccountRoutes_RedisUnreachable_FailOpenAndReadTheDatabase()
    {
        // Port 1 on loopback: nothing listens, so the rate limiter, auth-state cache and
        // public-config cache all take their degraded paths.
        await using var server = await D3ChatServer.StartAsync(new Dictionary<string, string>
        {
            ["Redis__ConnectionString"] = "127.0.0.1:1,abortConnect=false,connectTimeout=500",
            ["RateLimit__PerMinute"] = "1",
        });
        var client = server.CreateClient();

        await client.RegisterAsync(Names.Username(), Names.Password);
        var me = await client.GetMeAsync();
        var config = await client.GetPublicConfigAsync();

        Assert.Equal("user", me.Role);
        Assert.Equal("d3chat", config.GetProperty("app_name").GetString());
    }
}
