using System.Net;
using System.Net.Sockets;

using System.Text;

namespace D3Chat.Integration.Tests.Infrastructure;

/// <summary>
/// A listener on every local address (IPv6 any, dual mode) of one port: whatever loopback or local
/// address a request names with that port (127.0.0.1, 127.0.0.2, ::1, 0.0.0.0, the machine's own
/// address), a connection the server opens to it is counted here. It answers each connection with
/// <c>reply</c> (raw HTTP) when one is given, and otherwise closes it unanswered.
/// </summary>
public sealed class ConnectionCounter : IDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private int _connections;

    public ConnectionCounter(string? reply = null)
    {
        _listener = new TcpListener(IPAddress.IPv6Any, 0);
        _listener.Server.DualMode = true;
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
                // A client that went away mid-exchange still counted; keep listening.
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
