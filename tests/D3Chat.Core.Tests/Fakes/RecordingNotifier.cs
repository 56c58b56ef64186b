using System.Text.Json;
using D3Chat.Core.Realtime;

namespace D3Chat.Core.Tests.Fakes;

/// <summary>An <see cref="IRealtimeNotifier"/> that records each call as one line, in order.</summary>
public sealed class RecordingNotifier : IRealtimeNotifier
{
    public List<string> Calls { get; } = [];

    // One event is recorded as its JSON, several sent together as a JSON array of them.
    public Task SendToGroupAsync(string group, IReadOnlyList<JsonElement> eventObjects, CancellationToken ct) => Record(eventObjects.Count == 1
        ? $"group {group} {eventObjects[0].GetRawText()}"
        : $"group {group} [{string.Join(",", eventObjects.Select(e => e.GetRawText()))}]");

    public Task SendToUserAsync(Guid userId, JsonElement eventObject, CancellationToken ct) => Record($"user {userId} {eventObject.GetRawText()}");

    public Task AddUserToGroupAsync(Guid userId, string group, CancellationToken ct) => Record($"add {userId} {group}");

    public Task RemoveUserFromGroupAsync(Guid userId, string group, CancellationToken ct) => Record($"remove {userId} {group}");

    public Task RemoveUserFromAllGroupsAsync(Guid userId, CancellationToken ct) => Record($"remove-all {userId}");

    public Task CloseUserConnectionsAsync(Guid userId, CancellationToken ct) => Record($"close {userId}");

    private Task Record(string call)
    {
        Calls.Add(call);
        return Task.CompletedTask;
    }
}
