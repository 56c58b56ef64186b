using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using D3Chat.Client;
using D3Chat.Integration.Tests.Infrastructure;

namespace D3Chat.Integration.Tests.Foundation;

[Collection(ServerCollections.Foundation)]
public sealed class HostTests(ServerFixture fixture)
{
    private readonly D3ChatServer _server = fixture.Server;

    [Theory]
    [InlineData("/health")]
    [InlineData("/federation/health")]
    [InlineData("/fanout/health")]
    public async Task Health_EachAppAllServicesUp_ReportsOkForEachComponentAndTheTransportInUse(string path)
    {
        var client = _server.CreateClient();

        var health = await client.SendAsync<HealthResponse>(HttpMethod.Get, path);

        Assert.Equal("ok", health.Status);
        Assert.Equal("StorageQueues", health.Transport);
        Assert.Equal(["postgres", "queue", "redis"], health.Checks.Keys.Order());
        Assert.All(health.Checks.Values, v => Assert.Equal("ok", v));
    }

    [Fact]
    public async Task WellKnown_HttpTriggerInFederationApp_ServesTheDiscoveryDocument()
    {
        var discovery = await _server.CreateClient().GetServerDiscoveryAsync();

        Assert.Equal(_server.Settings["Server__Domain"], discovery.Domain);
        Assert.Equal(32, Convert.FromBase64String(discovery.SigningKeyPublic).Length);
        Assert.Equal(1, discovery.ProtocolVersion);
    }

    [Theory]
    [InlineData("/api/v1/no-such-route")]
    [InlineData("/federation/no-such-route")]
    [InlineData("/api/v1/no-such-file.json")] // a file-like last segment escaped the fallback (fuzz run)
    [InlineData("/api/v1/openapi.json%0D%0ASet-Cookie:%20x=1")]
    public async Task UnknownServerPath_AnyMethod_Is404WithDetail(string path)
    {
        using var response = await _server.CreateClient().SendAsync(HttpMethod.Get, path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("Not Found", D3ChatClient.ReadDetail(await response.Content.ReadAsStringAsync()));
    }

    [Theory]
    [InlineData("api", "D3Chat.Functions.Api")]
    [InlineData("federation", "D3Chat.Functions.Federation")]
    [InlineData("fanout", "D3Chat.Functions.Fanout")]
    public async Task FunctionsMetadata_HttpRoutes_AreExactlyTheRoutesTheLocalHostMaps(string app, string assembly)
    {
        var metadataPath = Path.Combine(TestEnvironment.RepoRoot, "functions", app, "bin", TestEnvironment.BuildConfiguration, "net10.0", "functions.metadata");
        using var metadata = JsonDocument.Parse(await File.ReadAllTextAsync(metadataPath));
        var azureRoutes = metadata.RootElement.EnumerateArray()
            .Where(f => Assert.IsType<string>(f.GetProperty("scriptFile").GetString()) == assembly + ".dll")
            .SelectMany(f => f.GetProperty("bindings").EnumerateArray())
            .Where(b => b.GetProperty("type").GetString() == "httpTrigger")
            .Select(b => Describe(b.GetProperty("route").GetString()!, b.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!)))
            .Order().ToList();

        var mapped = await _server.CreateClient().Http.GetFromJsonAsync<List<MappedFunction>>("/_localhost/functions", D3ChatClient.Json);
        var localRoutes = mapped!.Where(f => f.App == app && f.Trigger == "http")
            .Select(f => Describe(f.Route!, f.Methods!)).Order().ToList();

        Assert.Equal(azureRoutes, localRoutes);
        if (app != "fanout")
        {
            Assert.NotEmpty(localRoutes);
        }
    }

    private static string Describe(string route, IEnumerable<string> methods) =>
        $"{string.Join(",", methods.Select(m => m.ToUpperInvariant()).Order())} /{route.TrimStart('/')}";

    private sealed record MappedFunction(string App, string Name, string Trigger, string? Route, List<string>? Methods);
}
