using System.Net;
using System.Net.Http.Headers;
using System.Text;
using D3Chat.Core.Realtime;
using D3Chat.Integration.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace D3Chat.Integration.Tests.Realtime;

/// <summary>The LocalHost's SignalR Service emulator: token checks and the REST subset's paths and status codes.</summary>
[Collection(ServerCollections.Realtime)]
public sealed class SignalREmulatorTests(ServerFixture fixture)
{
    private readonly D3ChatServer _server = fixture.Server;

    private SignalREndpoint Endpoint(string? key = null) =>
        SignalREndpoint.Parse($"Endpoint={_server.Host.BaseAddress.GetLeftPart(UriPartial.Authority)};AccessKey={key ?? _server.SignalRAccessKey};Version=1.0;")!;

    [Theory]
    [InlineData(HttpTransportType.WebSockets)]
    [InlineData(HttpTransportType.LongPolling)]
    public async Task Connect_TokenSignedWithAnotherKey_IsRefused(HttpTransportType transport)
    {
        var forged = Endpoint("another-key-that-the-server-does-not-know-0123");
        var url = forged.ClientUrl("d3chat");
        var token = new SignalRTokens(forged, TimeProvider.System).ClientToken(url, Guid.NewGuid());
        await using var connection = new HubConnectionBuilder()
            .WithUrl(url, o => { o.AccessTokenProvider = () => Task.FromResult<string?>(token); o.Transports = transport; })
            .Build();

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
    }

    [Fact]
    public async Task Connect_WithoutToken_IsRefused()
    {
        await using var connection = new HubConnectionBuilder().WithUrl(Endpoint().ClientUrl("d3chat")).Build();

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
    }

    [Fact]
    public async Task Connect_ValidClientToken_Connects()
    {
        var endpoint = Endpoint();
        var url = endpoint.ClientUrl("d3chat");
        var token = new SignalRTokens(endpoint, TimeProvider.System).ClientToken(url, Guid.NewGuid());
        await using var connection = new HubConnectionBuilder()
            .WithUrl(url, o => { o.AccessTokenProvider = () => Task.FromResult<string?>(token); o.Transports = HttpTransportType.WebSockets; })
            .Build();

        await connection.StartAsync();

        Assert.Equal(HubConnectionState.Connected, connection.State);
    }

    // The service knows a connection once the client's StartAsync has returned; the emulator
    // once registered it only after the handshake, and a closeConnections in that gap was lost.
    [Theory]
    [InlineData(HttpTransportType.WebSockets)]
    [InlineData(HttpTransportType.LongPolling)]
    public async Task CloseConnections_RightAfterStart_ClosesTheConnection(HttpTransportType transport)
    {
        var endpoint = Endpoint();
        var url = endpoint.ClientUrl("d3chat");
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var user = Guid.NewGuid();
            var token = new SignalRTokens(endpoint, TimeProvider.System).ClientToken(url, user);
            await using var connection = new HubConnectionBuilder()
                .WithUrl(url, o => { o.AccessTokenProvider = () => Task.FromResult<string?>(token); o.Transports = transport; })
                .Build();
            var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            connection.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };
            await connection.StartAsync();

            Assert.Equal(HttpStatusCode.NoContent, await CallAsync(HttpMethod.Post, $"/api/hubs/d3chat/users/{user}/:closeConnections"));

            await closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(HubConnectionState.Disconnected, connection.State);
            Assert.Equal(HttpStatusCode.NotFound, await CallAsync(HttpMethod.Get, $"/api/v1/hubs/d3chat/users/{user}"));
        }
    }

    [Fact]
    public async Task Rest_GroupMembershipLifecycle_AnswersTheServiceStatusCodes()
    {
        var user = Guid.NewGuid();
        var group = $"/api/v1/hubs/d3chat/groups/channel%3A{Guid.NewGuid()}";

        Assert.Equal(HttpStatusCode.Accepted, await CallAsync(HttpMethod.Put, $"{group}/users/{user}"));
        Assert.Equal(HttpStatusCode.OK, await CallAsync(HttpMethod.Get, $"{group}/users/{user}"));
        Assert.Equal(HttpStatusCode.Accepted, await CallAsync(HttpMethod.Delete, $"{group}/users/{user}"));
        Assert.Equal(HttpStatusCode.NotFound, await CallAsync(HttpMethod.Get, $"{group}/users/{user}"));
        Assert.Equal(HttpStatusCode.Accepted, await CallAsync(HttpMethod.Put, $"{group}/users/{user}"));
        Assert.Equal(HttpStatusCode.OK, await CallAsync(HttpMethod.Delete, $"/api/v1/hubs/d3chat/users/{user}/groups"));
        Assert.Equal(HttpStatusCode.NotFound, await CallAsync(HttpMethod.Get, $"{group}/users/{user}"));
    }

    [Fact]
    public async Task Rest_Sends_Answer202_AndBadPayload400()
    {
        const string payload = """{"target":"event","arguments":[{"type":"x"}]}""";

        Assert.Equal(HttpStatusCode.Accepted, await CallAsync(HttpMethod.Post, "/api/v1/hubs/d3chat", payload));
        Assert.Equal(HttpStatusCode.Accepted, await CallAsync(HttpMethod.Post, $"/api/v1/hubs/d3chat/users/{Guid.NewGuid()}", payload));
        Assert.Equal(HttpStatusCode.Accepted, await CallAsync(HttpMethod.Post, "/api/v1/hubs/d3chat/groups/g1", payload));
        Assert.Equal(HttpStatusCode.BadRequest, await CallAsync(HttpMethod.Post, "/api/v1/hubs/d3chat/groups/g1", "{\"arguments\":[]}"));
        Assert.Equal(HttpStatusCode.BadRequest, await CallAsync(HttpMethod.Post, "/api/v1/hubs/9bad/groups/g1", payload));
    }

    [Fact]
    public async Task Rest_TokenForAnotherUrlOrKey_Is401()
    {
        var path = $"/api/v1/hubs/d3chat/users/{Guid.NewGuid()}";

        Assert.Equal(HttpStatusCode.Unauthorized, await CallAsync(HttpMethod.Get, path, audiencePath: "/api/v1/hubs/d3chat"));
        Assert.Equal(HttpStatusCode.Unauthorized, await CallAsync(HttpMethod.Get, path, key: "not-the-key-not-the-key-not-the-key-0123"));
        using var http = new HttpClient { BaseAddress = _server.Host.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task Rest_ATokenAcceptedAtItsUrl_IsStill401Elsewhere()
    {
        var endpoint = Endpoint();
        var path = $"/api/v1/hubs/d3chat/users/{Guid.NewGuid()}";
        var token = new SignalRTokens(endpoint, TimeProvider.System).ServerToken(endpoint.ServerUrl(path));
        using var http = new HttpClient { BaseAddress = _server.Host.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync($"/api/v1/hubs/d3chat/users/{Guid.NewGuid()}")).StatusCode);
    }

    private async Task<HttpStatusCode> CallAsync(HttpMethod method, string path, string? body = null, string? audiencePath = null, string? key = null)
    {
        var endpoint = Endpoint(key);
        using var http = new HttpClient { BaseAddress = _server.Host.BaseAddress };
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer",
            new SignalRTokens(endpoint, TimeProvider.System).ServerToken(endpoint.ServerUrl(audiencePath ?? path)));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
