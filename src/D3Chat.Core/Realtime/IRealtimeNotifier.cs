using System.Text.Json;

namespace D3Chat.Core.Realtime;

/// <summary>
/// Server→client delivery through Azure SignalR Service (or the LocalHost emulator). An event is sent
/// as SignalR target <see cref="EventTarget"/> with the reference event object as its single argument;
/// several events to one group in one send (fanout, issue 14) as target <see cref="EventsTarget"/> with
/// the array of event objects, in order, as its single argument.
/// Group membership is per user id (as in Azure SignalR serverless mode): a user added to a group
/// receives its messages on every connection, now and after reconnecting.
/// </summary>
public interface IRealtimeNotifier
{
    public const string EventTarget = "event";

    public const string EventsTarget = "events";

    /// <summary>Sends the events to the group in one SignalR message (<see cref="EventTarget"/> for one, <see cref="EventsTarget"/> for several).</summary>
    Task SendToGroupAsync(string group, IReadOnlyList<JsonElement> eventObjects, CancellationToken ct);

    Task SendToUserAsync(Guid userId, JsonElement eventObject, CancellationToken ct);

    /// <summary>Adds the user to the group; adding a member twice is harmless.</summary>
    Task AddUserToGroupAsync(Guid userId, string group, CancellationToken ct);

    /// <summary>Removes the user from the group; removing a non-member is harmless.</summary>
    Task RemoveUserFromGroupAsync(Guid userId, string group, CancellationToken ct);

    /// <summary>Removes the user from every group (account deletion).</summary>
    Task RemoveUserFromAllGroupsAsync(Guid userId, CancellationToken ct);

    /// <summary>Closes every open connection of the user (ban, suspension, logout-all, deletion); it may reconnect only with a new token.</summary>
    Task CloseUserConnectionsAsync(Guid userId, CancellationToken ct);
}

/// <summary>SignalR group names.</summary>
internal static class RealtimeGroups
{
    public static string Channel(Guid channelId) => $"channel:{channelId:D}";
}
