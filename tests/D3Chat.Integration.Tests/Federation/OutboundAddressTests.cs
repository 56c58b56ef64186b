using System.Net;
using System.Net.Sockets;
using System.Text;
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
        using var listener = new CountingListener();
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
        using var listener = new CountingListener();
        using var peer = TestPeer.Unregistered($"127.0.0.1:{listener.Port}");

        using var response = await peer.PostInboxAsync(_server, peer.Event("channel.join", new { channel_id = Guid.NewGuid(), username = "mallory" }));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.True(listener.Connections > 0);
    }

    [Fact]
    public async Task Discovery_Redirect_IsNotFollowed()
    {
        using var target = new CountingListener();
        using var redirector = new CountingListener(
            $"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:{target.Port}/.well-known/d3chat-server\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        using var peer = TestPeer.Unregistered($"127.0.0.1:{redirector.Port}");

        using var response = await peer.PostInboxAsync(_server, peer.Event("channel.join", new { channel_id = Guid.NewGuid(), username = "mallory" }));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.True(redirector.Connections > 0);
        Assert.Equal(0, target.Connections);
    }

    /// <summary>Accepts connections on a free loopback port, counts them, and answers each with <c>reply</c> (or closes it).</summary>
    private sealed class CountingListener : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private int _connections;

        public CountingListener(string? reply = null)
        {
            _listener.Start();
            _ = AcceptAsync(reply);
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public int Connections => Volatile.Read(ref _connections);

        private async Task AcceptAsync(string? reply)
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    Interlocked.Increment(ref _connections);
                    if (reply is not null)
                    {
                        var stream = client.GetStream();
                        // The request's first bytes are enough: the reply does not depend on them.
                        _ = await stream.ReadAsync(new byte[4096], _stop.Token);
                        await stream.WriteAsync(Encoding.ASCII.GetBytes(reply), _stop.Token);
                    }
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (SocketException)
                {
                    // A client that went away mid-exchange; keep counting the next ones.
                }
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
        }
    }
}
