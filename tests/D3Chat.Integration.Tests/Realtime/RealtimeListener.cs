using System.Collections.Concurrent;
using System.Text.Json;
using D3Chat.Client;
using D3Chat.Integration.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace D3Chat.Integration.Tests.Realtime;

/// <summary>A real SignalR client connection of one user that collects every event it receives.</summary>
public sealed class RealtimeListener : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly ConcurrentQueue<JsonElement> _events = new();
    private readonly ConcurrentQueue<int> _eventsSends = new();
    private HubConnection _connection = null!;

    public IReadOnlyCollection<JsonElement> Events => _events;

    /// <summary>How many events each SignalR message of several (target <c>events</c>) carried.</summary>
    public IReadOnlyCollection<int> EventsSends => _eventsSends;

    /// <summary>The connection's state (Disconnected once the service closed it).</summary>
    public HubConnectionState State => _connection.State;

    public static async Task<RealtimeListener> ConnectAsync(D3ChatClient client)
    {
        var listener = new RealtimeListener();
        listener._connection = await client.ConnectRealtimeAsync(e => listener._events.Enqueue(e.Clone()));
        listener._connection.On<JsonElement>(D3ChatClient.RealtimeEventsTarget, events => listener._eventsSends.Enqueue(events.GetArrayLength()));
        return listener;
    }

    /// <summary>Waits for the first event matching <paramref name="match"/>.</summary>
    public async Task<JsonElement> WaitForAsync(Func<JsonElement, bool> match, string what) =>
        (JsonElement)await Eventually.ReturnsAsync<object>(
            () => Task.FromResult(_events.Where(match).Select(e => (object?)e).FirstOrDefault()), Timeout, what);

    public static Func<JsonElement, bool> OfType(string type) => e => e.TryGetProperty("type", out var t) && t.GetString() == type;

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();
}
