using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace D3Chat.Core.Realtime;

/// <summary>
/// Used when no SignalR connection string is configured: realtime delivery is switched off and
/// clients see new data only when they fetch it. Logged once per process so the state is visible.
/// </summary>
internal sealed partial class UnconfiguredRealtimeNotifier(ILogger<UnconfiguredRealtimeNotifier> logger) : IRealtimeNotifier
{
    private int _warned;

    public Task SendToGroupAsync(string group, IReadOnlyList<JsonElement> eventObjects, CancellationToken ct) => Skip();

    public Task SendToUserAsync(Guid userId, JsonElement eventObject, CancellationToken ct) => Skip();

    public Task AddUserToGroupAsync(Guid userId, string group, CancellationToken ct) => Skip();

    public Task RemoveUserFromGroupAsync(Guid userId, string group, CancellationToken ct) => Skip();

    public Task RemoveUserFromAllGroupsAsync(Guid userId, CancellationToken ct) => Skip();

    public Task CloseUserConnectionsAsync(Guid userId, CancellationToken ct) => Skip();

    private Task Skip()
    {
        if (Interlocked.Exchange(ref _warned, 1) == 0)
        {
            LogRealtimeOff();
        }
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SignalR__ConnectionString is not set: realtime events are not delivered")]
    private partial void LogRealtimeOff();
}
