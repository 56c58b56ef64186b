using System.Security.Claims;
using Microsoft.AspNetCore.SignalR;

namespace D3Chat.LocalHost.SignalREmulator;

/// <summary>
/// The client endpoint of the emulated service (<c>/client/?hub=...</c>). In serverless mode
/// clients only receive; the hub has no methods they can invoke. The user id comes from the
/// validated access token (<see cref="EmulatorAuthentication"/>), never from the client.
/// </summary>
internal sealed class EmulatorHub(EmulatorState state) : Hub
{
    public override Task OnConnectedAsync()
    {
        var context = Context.GetHttpContext()!;
        var hub = context.Items[EmulatorAuthentication.HubItem] as string ?? throw new HubException("No hub.");
        var user = Context.User?.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";
        state.Connected(Context.ConnectionId, hub, user, Context.Abort);
        return Task.CompletedTask;
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        state.Disconnected(Context.ConnectionId);
        return Task.CompletedTask;
    }
}
