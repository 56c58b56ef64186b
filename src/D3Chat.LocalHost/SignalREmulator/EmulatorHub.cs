using System.Security.Claims;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Connections.Features;
using Microsoft.AspNetCore.SignalR;

namespace D3Chat.LocalHost.SignalREmulator;

/// <summary>
/// The client endpoint of the emulated service (<c>/client/?hub=...</c>). In serverless mode
/// clients only receive; the hub has no methods they can invoke. The user id comes from the
/// validated access token (<see cref="EmulatorAuthentication"/>), never from the client.
/// </summary>
internal sealed class EmulatorHub : Hub
{
    /// <summary>
    /// Registers each connection with <see cref="EmulatorState"/> before the SignalR handshake
    /// and removes it when the connection ends. Hub.OnConnectedAsync would run only after the
    /// handshake response, so a client whose StartAsync had returned could miss a
    /// closeConnections sent at once, as the service's own clients never do.
    /// </summary>
    public static ConnectionDelegate Register(ConnectionDelegate next, EmulatorState state) => async connection =>
    {
        var context = connection.Features.Get<IHttpContextFeature>()?.HttpContext
            ?? throw new InvalidOperationException("SignalR connections always carry their HTTP context.");
        var hub = context.Items[EmulatorAuthentication.HubItem] as string ?? throw new InvalidOperationException("The client was not authenticated.");
        var user = context.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";
        state.Connected(connection.ConnectionId, hub, user, connection.Abort);
        try
        {
            await next(connection);
        }
        finally
        {
            state.Disconnected(connection.ConnectionId);
        }
    };
}
