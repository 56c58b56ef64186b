using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace D3Chat.Core.Realtime;

/// <summary>
/// <see cref="IRealtimeNotifier"/> over the Azure SignalR Service data-plane REST API v1
/// (serverless mode). Each call carries its own short-lived JWT. Timeouts, 429 and 5xx are retried
/// a few times with backoff inside the call; after that (or on any other failure status) it throws,
/// so the queue redelivers the event and poisons it after the configured count.
/// </summary>
internal sealed partial class SignalRServiceNotifier : IRealtimeNotifier
{
    /// <summary>Waits before the 2nd and 3rd attempt; short, because the queue adds its own retries on top.</summary>
    public static readonly IReadOnlyList<TimeSpan> DefaultRetryDelays = [TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(800)];

    /// <summary>Per-attempt limit; the service answers in milliseconds when healthy.</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);

    private readonly HttpClient _http;
    private readonly SignalREndpoint _endpoint;
    private readonly ISignalRAuthorizer _authorizer;
    private readonly string _hubPath;
    private readonly string _versionedHubPath;
    public const string CloseConnectionsApiVersion = "2022-06-01";
    private readonly IReadOnlyList<TimeSpan> _retryDelays;
    private readonly TimeProvider _time;
    private readonly ILogger<SignalRServiceNotifier> _logger;

    public SignalRServiceNotifier(HttpClient http, SignalREndpoint endpoint, string hub, TimeProvider time,
        ILogger<SignalRServiceNotifier> logger, IReadOnlyList<TimeSpan>? retryDelays = null, ISignalRAuthorizer? authorizer = null)
    {
        _http = http;
        _endpoint = endpoint;
        _authorizer = authorizer ?? ISignalRAuthorizer.For(endpoint, hub, http, time);
        _hubPath = $"/api/v1/hubs/{Uri.EscapeDataString(hub)}";
        _versionedHubPath = $"/api/hubs/{Uri.EscapeDataString(hub)}";
        _retryDelays = retryDelays ?? DefaultRetryDelays;
        _time = time;
        _logger = logger;
    }

    public Task SendToGroupAsync(string group, IReadOnlyList<JsonElement> eventObjects, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, $"{_hubPath}/groups/{Uri.EscapeDataString(group)}", Payload(eventObjects), ct);

    public Task SendToUserAsync(Guid userId, JsonElement eventObject, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, $"{_hubPath}/users/{userId:D}", Payload([eventObject]), ct);

    public Task AddUserToGroupAsync(Guid userId, string group, CancellationToken ct) =>
        SendAsync(HttpMethod.Put, $"{_hubPath}/groups/{Uri.EscapeDataString(group)}/users/{userId:D}", null, ct);

    public Task RemoveUserFromGroupAsync(Guid userId, string group, CancellationToken ct) =>
        SendAsync(HttpMethod.Delete, $"{_hubPath}/groups/{Uri.EscapeDataString(group)}/users/{userId:D}", null, ct);

    public Task RemoveUserFromAllGroupsAsync(Guid userId, CancellationToken ct) =>
        SendAsync(HttpMethod.Delete, $"{_hubPath}/users/{userId:D}/groups", null, ct);

    // Closing a user's connections exists only in the versioned data-plane API (2022-06-01), not in v1.
    public Task CloseUserConnectionsAsync(Guid userId, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, $"{_versionedHubPath}/users/{userId:D}/:closeConnections?api-version={CloseConnectionsApiVersion}", null, ct);

    /// <summary>
    /// The service's PayloadMessage: target <see cref="IRealtimeNotifier.EventTarget"/> with the one
    /// event object as its argument, or <see cref="IRealtimeNotifier.EventsTarget"/> with the array of several.
    /// </summary>
    internal static string Payload(IReadOnlyList<JsonElement> eventObjects)
    {
        if (eventObjects.Count == 0)
        {
            throw new ArgumentException("A SignalR send carries at least one event.", nameof(eventObjects));
        }
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("target", eventObjects.Count == 1 ? IRealtimeNotifier.EventTarget : IRealtimeNotifier.EventsTarget);
            writer.WriteStartArray("arguments");
            if (eventObjects.Count == 1)
            {
                eventObjects[0].WriteTo(writer);
            }
            else
            {
                writer.WriteStartArray();
                foreach (var eventObject in eventObjects)
                {
                    eventObject.WriteTo(writer);
                }
                writer.WriteEndArray();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private async Task SendAsync(HttpMethod method, string path, string? body, CancellationToken ct)
    {
        var url = _endpoint.ServerUrl(path);
        for (var attempt = 1; ; attempt++)
        {
            var failure = await TryOnceAsync(method, url, body, ct);
            if (failure is null)
            {
                return;
            }
            if (!failure.Transient || attempt > _retryDelays.Count)
            {
                LogGaveUp(method.Method, path, attempt, failure.Reason);
                throw new RealtimeDeliveryException($"SignalR Service {method.Method} {path} failed after {attempt} attempt(s): {failure.Reason}");
            }
            LogRetrying(method.Method, path, attempt, failure.Reason);
            await Task.Delay(_retryDelays[attempt - 1], _time, ct);
        }
    }

    private async Task<Failure?> TryOnceAsync(HttpMethod method, string url, string? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await _authorizer.ServerTokenAsync(url, ct));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(AttemptTimeout);
        try
        {
            using var response = await _http.SendAsync(request, timeout.Token);
            var status = (int)response.StatusCode;
            return response.IsSuccessStatusCode ? null
                : new Failure(status >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests || response.StatusCode == HttpStatusCode.RequestTimeout,
                    $"HTTP {status}");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new Failure(true, "timeout");
        }
        catch (HttpRequestException ex)
        {
            return new Failure(true, ex.HttpRequestError.ToString());
        }
    }

    private sealed record Failure(bool Transient, string Reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SignalR Service {Method} {Path} attempt {Attempt} failed ({Reason}); retrying")]
    private partial void LogRetrying(string method, string path, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "SignalR Service {Method} {Path} failed after {Attempt} attempt(s) ({Reason})")]
    private partial void LogGaveUp(string method, string path, int attempt, string reason);
}

/// <summary>SignalR Service did not accept a call; the queue message is retried.</summary>
internal sealed class RealtimeDeliveryException(string message) : Exception(message);
