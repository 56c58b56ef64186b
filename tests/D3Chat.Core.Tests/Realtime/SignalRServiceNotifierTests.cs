using System.Net;
using System.Text.Json;
using D3Chat.Core.Realtime;
using D3Chat.Core.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace D3Chat.Core.Tests.Realtime;

public sealed class SignalRServiceNotifierTests
{
    private const string Key = "dGVzdC1hY2Nlc3Mta2V5LXRoYXQtaXMtbG9uZy1lbm91Z2gtMDEyMzQ1Njc4OQ==";
    private static readonly SignalREndpoint Endpoint = SignalREndpoint.Parse($"Endpoint=https://chat.service.signalr.net;AccessKey={Key};Version=1.0;")!;
    private static readonly JsonElement Event = JsonDocument.Parse("""{"type":"typing.start","user_id":"u"}""").RootElement;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly RecordingHttpHandler _http = new();

    private SignalRServiceNotifier Notifier() =>
        new(new HttpClient(_http), Endpoint, "d3chat", _time, NullLogger<SignalRServiceNotifier>.Instance, [TimeSpan.Zero, TimeSpan.Zero]);

    [Fact]
    public async Task SendToGroupAsync_PostsPayloadMessageToTheGroupPath()
    {
        await Notifier().SendToGroupAsync("channel:7c0e8f8e-7d55-4b8e-9a4e-2f1f7f3d2a10", [Event], default);

        var request = Assert.Single(_http.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("https://chat.service.signalr.net/api/v1/hubs/d3chat/groups/channel%3A7c0e8f8e-7d55-4b8e-9a4e-2f1f7f3d2a10", request.Uri.AbsoluteUri);
        Assert.Equal("application/json", request.ContentType);
        Assert.Equal("""{"target":"event","arguments":[{"type":"typing.start","user_id":"u"}]}""", request.Body);
    }

    [Fact]
    public async Task SendToGroupAsync_SeveralEvents_GoAsOneEventsMessageWithTheArrayInOrder()
    {
        var second = JsonDocument.Parse("""{"type":"typing.stop","user_id":"v"}""").RootElement;

        await Notifier().SendToGroupAsync("g", [Event, second], default);

        Assert.Equal("""{"target":"events","arguments":[[{"type":"typing.start","user_id":"u"},{"type":"typing.stop","user_id":"v"}]]}""",
            Assert.Single(_http.Requests).Body);
    }

    [Fact]
    public async Task SendToUserAsync_PostsToTheUserPath()
    {
        var user = Guid.NewGuid();
        await Notifier().SendToUserAsync(user, Event, default);

        Assert.Equal($"/api/v1/hubs/d3chat/users/{user}", Assert.Single(_http.Requests).Uri.AbsolutePath);
    }

    [Fact]
    public async Task GroupMembershipCalls_UseTheServicePathsAndVerbsWithoutBody()
    {
        var user = Guid.NewGuid();
        var notifier = Notifier();

        await notifier.AddUserToGroupAsync(user, "channel:x", default);
        await notifier.RemoveUserFromGroupAsync(user, "channel:x", default);
        await notifier.RemoveUserFromAllGroupsAsync(user, default);

        Assert.Equal(
            [$"PUT /api/v1/hubs/d3chat/groups/channel%3Ax/users/{user}", $"DELETE /api/v1/hubs/d3chat/groups/channel%3Ax/users/{user}", $"DELETE /api/v1/hubs/d3chat/users/{user}/groups"],
            _http.Requests.Select(r => $"{r.Method} {r.Uri.AbsolutePath}"));
        Assert.All(_http.Requests, r => Assert.Null(r.Body));
    }

    [Fact]
    public async Task Requests_CarryAServerTokenSignedWithTheAccessKeyForTheRequestUrl()
    {
        await Notifier().SendToUserAsync(Guid.NewGuid(), Event, default);

        var request = Assert.Single(_http.Requests);
        var audience = request.Uri.AbsoluteUri;
        var claims = await SignalRTokens.ValidateAsync(request.Bearer!, Endpoint.KeyBytes, aud => aud == audience, _time.GetUtcNow());
        Assert.NotNull(claims);
        var exp = long.Parse(claims.FindFirst("exp")!.Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(exp - _time.GetUtcNow().ToUnixTimeSeconds(), 1, 600);
        Assert.Null(await SignalRTokens.ValidateAsync(request.Bearer!, "another-key-another-key-another-key!"u8.ToArray(), _ => true, _time.GetUtcNow()));
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    public async Task TransientFailure_IsRetriedUntilItSucceeds(HttpStatusCode status)
    {
        _http.Then(status).Then(status);

        await Notifier().SendToGroupAsync("g", [Event], default);

        Assert.Equal(3, _http.Requests.Count);
    }

    [Fact]
    public async Task NetworkError_IsRetried()
    {
        _http.ThenThrow(new HttpRequestException(HttpRequestError.ConnectionError, "refused"));

        await Notifier().SendToGroupAsync("g", [Event], default);

        Assert.Equal(2, _http.Requests.Count);
    }

    [Fact]
    public async Task PersistentServerError_ThrowsAfterThreeAttemptsSoTheQueueRetries()
    {
        _http.Then(HttpStatusCode.BadGateway).Then(HttpStatusCode.BadGateway).Then(HttpStatusCode.BadGateway);

        await Assert.ThrowsAsync<RealtimeDeliveryException>(() => Notifier().SendToGroupAsync("g", [Event], default));
        Assert.Equal(3, _http.Requests.Count);
    }

    [Fact]
    public async Task ClientError_ThrowsWithoutRetrying()
    {
        _http.Then(HttpStatusCode.Unauthorized);

        await Assert.ThrowsAsync<RealtimeDeliveryException>(() => Notifier().SendToUserAsync(Guid.NewGuid(), Event, default));
        Assert.Single(_http.Requests);
    }
}
