using System.Text.Json;

namespace D3Chat.Core.Realtime;

/// <summary>
/// Server→client delivery through Azure SignalR Service (or the LocalHost emulator). Every event is
/// sent as SignalR target <see cref="EventTarget"/> with the reference event object as its single argument.
/// Group membership is per user id (as in Azure SignalR serverless mode): a user added to a group
/// receives its messages on every connection, now and after reconnecting.
/// </summary>
public interface IRealtimeNotifier
{
    public const string EventTarget = "event";

    Task SendToGroupAsync(string group, JsonElement eventObject, CancellationToken ct);

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
