using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using D3Chat.Client;
using D3Chat.Integration.Tests.Infrastructure;

namespace D3Chat.Fault.Tests;

/// <summary>One message a sender had acknowledged: its content and the id the server gave it.</summary>
public sealed record AckedMessage(string Content, Guid Id, string Server);

/// <summary>
/// One client posting opaque v3 messages to a channel, one after another, for as long as it runs.
/// Each message has its own client id and is retried with it until acknowledged, as the clients
/// do; every answer's status is recorded so a test can assert that none but 201, 503 (with
/// Retry-After) and the idempotent 200 of a retry was ever seen.
/// </summary>
public sealed class SteadyLoad
{
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(15);
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(200);
    private readonly D3ChatClient _client;
    private readonly Guid _channelId;
    private readonly Guid _deviceId;
    private readonly string _server;
    private readonly CancellationTokenSource _stop = new();
    // Held while a request is in flight, so a pause can wait for the answer to the last one.
    private readonly SemaphoreSlim _inFlight = new(1, 1);
    private Task? _running;

    private SteadyLoad(D3ChatClient client, Guid channelId, Guid deviceId, string server)
    {
        (_client, _channelId, _deviceId, _server) = (client, channelId, deviceId, server);
    }

    public ConcurrentQueue<AckedMessage> Acked { get; } = new();

    /// <summary>Status code → how many answers had it (0 = no answer: connection refused or timed out).</summary>
    public ConcurrentDictionary<int, int> Statuses { get; } = new();

    public int UnavailableWithoutRetryAfter { get; private set; }

    public int ReplayedOnFirstTry { get; private set; }

    private volatile bool _paused;

    /// <summary>Stops sending once the request in flight (if any) has its answer, e.g. before its own server is stopped.</summary>
    public async Task PauseAsync()
    {
        _paused = true;
        await _inFlight.WaitAsync();
        _inFlight.Release();
    }

    public void Resume() => _paused = false;

    public static async Task<SteadyLoad> StartAsync(D3ChatClient client, Guid channelId, string server)
    {
        var device = (await client.ListDevicesAsync()).OrderBy(d => d.CreatedAt).First().Id;
        var load = new SteadyLoad(client, channelId, device, server);
        load._running = Task.Run(load.RunAsync);
        return load;
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _running!;
    }

    private async Task RunAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var content = OpaqueMessages.Frame();
            var clientMessageId = Guid.NewGuid().ToString();
            var attempt = 0;
            // A message once tried is retried until acknowledged, even after Stop, so none is left half-sent.
            while (true)
            {
                await _inFlight.WaitAsync();
                if (_paused)
                {
                    _inFlight.Release();
                    await Task.Delay(100);
                    continue;
                }
                attempt++;
                (int Status, Guid? Id, bool RetryAfter) answer;
                try
                {
                    answer = await PostAsync(content, clientMessageId);
                }
                finally
                {
                    _inFlight.Release();
                }
                var (status, id, retryAfter) = answer;
                Statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
                if (status == 503 && !retryAfter)
                {
                    UnavailableWithoutRetryAfter++;
                }
                if (status is 201 or 200)
                {
                    if (status == 200 && attempt == 1)
                    {
                        ReplayedOnFirstTry++;
                    }
                    Acked.Enqueue(new AckedMessage(content, id!.Value, _server));
                    break;
                }
                await Task.Delay(RetryPause);
            }
            await Task.Delay(Pace);
        }
    }

    private async Task<(int Status, Guid? Id, bool RetryAfter)> PostAsync(string content, string clientMessageId)
    {
        try
        {
            using var response = await _client.SendAsync(HttpMethod.Post, $"/api/v1/channels/{_channelId}/messages",
                new { content, protocol_version = 3, sender_device_id = _deviceId, client_message_id = clientMessageId });
            Guid? id = null;
            if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK)
            {
                var body = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
                id = body.GetProperty("id").GetGuid();
            }
            return ((int)response.StatusCode, id, response.Headers.RetryAfter is not null);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            Debug.WriteLine(ex.Message);
            return (0, null, false);
        }
    }
}
