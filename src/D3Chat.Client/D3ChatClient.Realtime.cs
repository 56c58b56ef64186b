using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace D3Chat.Client;

/// <summary>The answer of <c>POST /api/v1/realtime/negotiate</c>: where to connect and with which token.</summary>
public sealed record RealtimeConnectionInfo(string Url, string AccessToken);

public sealed record PresenceStatus(Guid UserId, string Status);

public sealed partial class D3ChatClient
{
    /// <summary>The SignalR target a server→client event arrives on.</summary>
    public const string RealtimeEventTarget = "event";

    /// <summary>The SignalR target several events for one channel arrive on together: an array, in order.</summary>
    public const string RealtimeEventsTarget = "events";

    public async Task<RealtimeConnectionInfo> NegotiateAsync(CancellationToken ct = default)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/v1/realtime/negotiate", ct: ct);
        await EnsureSuccessAsync(response, ct);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        return new RealtimeConnectionInfo(document.RootElement.GetProperty("url").GetString()!, document.RootElement.GetProperty("accessToken").GetString()!);
    }

    /// <summary>
    /// Connects a standard SignalR client the way the browser does: it negotiates at
    /// <c>/api/v1/realtime</c> with this client's bearer token and follows the redirect to the
    /// SignalR Service. Every event object is passed to <paramref name="onEvent"/>, those that arrive
    /// together one by one in their order.
    /// </summary>
    public async Task<HubConnection> ConnectRealtimeAsync(Action<JsonElement> onEvent, HttpTransportType transports = HttpTransportType.WebSockets,
        CancellationToken ct = default)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(Http.BaseAddress!, "/api/v1/realtime"), options =>
            {
                options.AccessTokenProvider = () => Task.FromResult(AccessToken);
                options.Transports = transports;
            })
            .Build();
        connection.On<JsonElement>(RealtimeEventTarget, onEvent);
        connection.On<JsonElement>(RealtimeEventsTarget, events =>
        {
            foreach (var e in events.EnumerateArray())
            {
                onEvent(e);
            }
        });
        await connection.StartAsync(ct);
        return connection;
    }

    /// <summary>Sends <c>typing.start</c> or <c>typing.stop</c> to a channel (<paramref name="state"/> = start|stop).</summary>
    public Task SendTypingAsync(Guid channelId, string state, CancellationToken ct = default) =>
        SendNoContentAsync(HttpMethod.Post, $"/api/v1/channels/{channelId}/typing", new { state }, ct);

    public Task SetPresenceAsync(string status, CancellationToken ct = default) =>
        SendNoContentAsync(HttpMethod.Put, "/api/v1/presence", new { status }, ct);

    public Task<List<PresenceStatus>> GetPresenceAsync(IEnumerable<Guid> userIds, CancellationToken ct = default) =>
        SendAsync<List<PresenceStatus>>(HttpMethod.Get, $"/api/v1/presence?user_ids={string.Join(',', userIds)}", ct: ct);
}
