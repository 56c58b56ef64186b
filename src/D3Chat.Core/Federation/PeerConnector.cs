using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace D3Chat.Core.Federation;

/// <summary>
/// Opens the TCP connections of every outbound federation request (discovery, deliveries, signed
/// GETs). The address check happens here, on the addresses actually dialled, so neither an IP
/// literal nor a DNS answer (rebinding included) can point a peer name at the server's own network:
/// only public addresses (<see cref="PublicAddresses"/>), unless the host is listed in
/// <c>Federation__AllowPrivateHosts</c> (loopback peers offline, a private network on purpose).
/// </summary>
internal sealed class PeerConnector(IOptions<FederationOptions> options)
{
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var endpoint = context.DnsEndPoint;
        var addresses = IPAddress.TryParse(endpoint.Host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(endpoint.Host, ct);
        var allowed = options.Value.AllowsPrivateAddresses(endpoint.Host, endpoint.Port)
            ? addresses
            : addresses.Where(PublicAddresses.IsPublic).ToArray();
        if (allowed.Length == 0)
        {
            throw new HttpRequestException(HttpRequestError.ConnectionError, $"{endpoint.Host} has no public address; federation connects to public addresses only");
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, endpoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
