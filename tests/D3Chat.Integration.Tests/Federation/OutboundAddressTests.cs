using System.Net;
using D3Chat.Client;
using D3Chat.Integration.Tests.Infrastructure;

namespace D3Chat.Integration.Tests.Federation;

/// <summary>
/// Issue 12 item 9: an inbox request naming an origin makes the server discover it, and discovery
/// connects only to public addresses unless the host is allow-listed, and never follows a redirect.
/// Loopback listeners stand in for the server's own network and count the connections they get.
/// </summary>
[Collection(ServerCollections.Federation)]
public sealed class OutboundAddressTests(ServerFixture fixture)
{
    private readonly D3ChatServer _server = fixture.Server;

    [Fact]
    public async Task Discovery_LoopbackOriginNotAllowListed_NeverConnects()
    {
        await using var strict = await D3ChatServer.StartAsync(new Dictionary<string, string> { ["Federation__AllowPrivateHosts"] = "" });
        using var listener = new ConnectionCounter();
        using var peer = TestPeer.Unregistered($"127.0.0.1:{listener.Port}");

        using var response = await peer.PostInboxAsync(strict, peer.Event("channel.join", new { channel_id = Guid.NewGuid(), username = "mallory" }));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Could not verify origin server", D3ChatClient.ReadDetail(await response.Content.ReadAsStringAsync()));
        Assert.Equal(0, listener.Connections);
    }

    [Fact]
    public async Task Discovery_LoopbackOriginAllowListed_Connects()
    {
        // The shared server runs with the sample's allow-list (localhost, 127.0.0.1): the control for the test above.
        using var listener = new ConnectionCounter();
        using var peer = TestPeer.Unregistered($"127.0.0.1:{listener.Port}");

        using var response = await peer.PostInboxAsync(_server, peer.Event("channel.join", new { channel_id = Guid.NewGuid(), username = "mallory" }));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.True(listener.Connections > 0);
    }

    [Fact]
    public async Task Discovery_Redirect_IsNotFollowed()
    {
        using var target = new ConnectionCounter();
        using var redirector = new ConnectionCounter(
            $"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:{target.Port}/.well-known/d3chat-server\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        using var peer = TestPeer.Unregistered($"127.0.0.1:{redirector.Port}");

        using var response = await peer.PostInboxAsync(_server, peer.Event("channel.join", new { channel_id = Guid.NewGuid(), username = "mallory" }));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.True(redirector.Connections > 0);
        Assert.Equal(0, target.Connections);
    }
}
