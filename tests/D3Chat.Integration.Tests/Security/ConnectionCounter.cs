using System.Net;
using System.Net.Sockets;

namespace D3Chat.Integration.Tests.Security;

/// <summary>
/// A listener on every local address (IPv6 any, dual mode) of one port: whatever loopback or local
/// address a request names with that port (127.0.0.1, 127.0.0.2, ::1, 0.0.0.0, the machine's own
/// address), a connection the server opens to it is counted here. It never answers.
/// </summary>
public sealed class ConnectionCounter : IDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private int _connections;

    public ConnectionCounter()
    {
        _listener = new TcpListener(IPAddress.IPv6Any, 0);
        _listener.Server.DualMode = true;
        _listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Connections => Volatile.Read(ref _connections);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException)
            {
                // A client that went away at once still counted; keep listening.
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
