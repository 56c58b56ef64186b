using System.Net;
using D3Chat.Client;
using D3Chat.Integration.Tests.Infrastructure;

namespace D3Chat.Integration.Tests.Foundation;

public sealed class HealthDegradedTests
{
    [Fact]
    public async Task Health_RedisUnreachable_Is503NamingRedis()
    {
        // Port 1 on loopback: nothing listens there, so the Redis check fails fast.
        var (status, body) = await HealthOfServerWithAsync(new Dictionary<string, string>
        {
            ["Redis__ConnectionString"] = "127.0.0.1:1,abortConnect=false,connectTimeout=500",
        });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("Unavailable: redis", D3ChatClient.ReadDetail(body));
        Assert.Contains("\"postgres\":\"ok\"", body, StringComparison.Ordinal);
    }

    /// <summary>With Service Bus as the transport the queue check probes Service Bus, not a Storage queue.</summary>
    [Fact]
    public async Task Health_ServiceBusTransportUnreachable_Is503NamingQueueAndReportsServiceBus()
    {
        // Port 1 on loopback: no Service Bus (emulator) listens there, while Azurite stays up.
        var (status, body) = await HealthOfServerWithAsync(new Dictionary<string, string>
        {
            ["Queue__Transport"] = "ServiceBus",
            ["Queue__ServiceBusConnection"] = "Endpoint=sb://127.0.0.1:1/;SharedAccessKeyName=k;SharedAccessKey=dGVzdA==;UseDevelopmentEmulator=true",
        });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("Unavailable: queue", D3ChatClient.ReadDetail(body));
        Assert.Contains("\"transport\":\"ServiceBus\"", body, StringComparison.Ordinal);
    }

    /// <summary>The small profile runs without Redis: health stays 200 and names Redis "off".</summary>
    [Fact]
    public async Task Health_RedisNotConfigured_Is200WithRedisOff()
    {
        var (status, body) = await HealthOfServerWithAsync(new Dictionary<string, string>
        {
            ["Redis__ConnectionString"] = "",
        });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("\"redis\":\"off\"", body, StringComparison.Ordinal);
    }

    /// <summary>Starts a server with <paramref name="settings"/> and reads its <c>/health</c> once.</summary>
    private static async Task<(HttpStatusCode Status, string Body)> HealthOfServerWithAsync(Dictionary<string, string> settings)
    {
        await using var server = await D3ChatServer.StartAsync(settings);
        using var response = await server.CreateClient().SendAsync(HttpMethod.Get, "/health");
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
