using System.Text.Json;

namespace D3Chat.Core.Realtime;

/// <summary>
/// Server→client delivery through Azure SignalR Service (or the LocalHost emulator). Every event is
/// sent as SignalR target <see cref="EventTarget"/> with the reference event object as its single argument.
/// </summary>
public interface IRealtimeNotifier
{
    public const string EventTarget = "event";

    Task SendToGroupAsync(string group, JsonElement eventObject, CancellationToken ct);

    Task SendToUserAsync(Guid userId, JsonElement eventObject, CancellationToken ct);
}

/// <summary>SignalR group names.</summary>
public static class RealtimeGroups
{
    public static string Channel(Guid channelId) => $"channel:{channelId:D}";
}
