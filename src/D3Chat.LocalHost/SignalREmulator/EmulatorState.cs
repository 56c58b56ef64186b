using System.Collections.Concurrent;

namespace D3Chat.LocalHost.SignalREmulator;

/// <summary>
/// What the emulated service knows: live client connections per hub and user, and user→group
/// memberships. Memberships belong to the user id, not to a connection, and survive reconnects,
/// as in Azure SignalR Service's serverless mode. Hub names are case-insensitive.
/// </summary>
internal sealed class EmulatorState
{
    private readonly ConcurrentDictionary<string, Connection> _connections = new();
    private readonly ConcurrentDictionary<(string Hub, string Group), ConcurrentDictionary<string, byte>> _groups = new();

    public void Connected(string connectionId, string hub, string userId, Action abort) => _connections[connectionId] = new Connection(Key(hub), userId, abort);

    /// <summary>Aborts every connection of the user on the hub (the service's closeConnections).</summary>
    public void CloseConnectionsOfUser(string hub, string userId)
    {
        foreach (var (id, connection) in _connections)
        {
            if (connection.Hub == Key(hub) && connection.UserId == userId && _connections.TryRemove(id, out _))
            {
                connection.Abort();
            }
        }
    }

    public void Disconnected(string connectionId) => _connections.TryRemove(connectionId, out _);

    public IReadOnlyList<string> ConnectionsOfHub(string hub) =>
        _connections.Where(c => c.Value.Hub == Key(hub)).Select(c => c.Key).ToList();

    public IReadOnlyList<string> ConnectionsOfUser(string hub, string userId) =>
        _connections.Where(c => c.Value.Hub == Key(hub) && c.Value.UserId == userId).Select(c => c.Key).ToList();

    public IReadOnlyList<string> ConnectionsOfGroup(string hub, string group) =>
        _groups.TryGetValue((Key(hub), group), out var users)
            ? _connections.Where(c => c.Value.Hub == Key(hub) && users.ContainsKey(c.Value.UserId)).Select(c => c.Key).ToList()
            : [];

    public void AddUserToGroup(string hub, string group, string userId) =>
        _groups.GetOrAdd((Key(hub), group), _ => new ConcurrentDictionary<string, byte>())[userId] = 0;

    public void RemoveUserFromGroup(string hub, string group, string userId)
    {
        if (_groups.TryGetValue((Key(hub), group), out var users))
        {
            users.TryRemove(userId, out _);
        }
    }

    public void RemoveUserFromAllGroups(string hub, string userId)
    {
        foreach (var (key, users) in _groups)
        {
            if (key.Hub == Key(hub))
            {
                users.TryRemove(userId, out _);
            }
        }
    }

    public bool IsUserInGroup(string hub, string group, string userId) =>
        _groups.TryGetValue((Key(hub), group), out var users) && users.ContainsKey(userId);

    private static string Key(string hub) => hub.ToLowerInvariant();

    private sealed record Connection(string Hub, string UserId, Action Abort);
}
