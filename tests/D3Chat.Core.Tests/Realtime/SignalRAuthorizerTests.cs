using D3Chat.Core.Realtime;
using Microsoft.Extensions.Time.Testing;

namespace D3Chat.Core.Tests.Realtime;

public sealed class SignalRAuthorizerTests
{
    private static readonly SignalREndpoint Endpoint =
        SignalREndpoint.Parse("Endpoint=https://d3chat.service.signalr.net;AccessKey=unit-test-access-key-long-enough-0123456789;Version=1.0;")!;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));

    private ISignalRAuthorizer Authorizer() => ISignalRAuthorizer.For(Endpoint, "d3chat", new HttpClient(), _time);

    [Fact]
    public async Task ServerToken_SameUrlWithinHalfItsLifetime_IsReused()
    {
        var authorizer = Authorizer();
        var url = Endpoint.ServerUrl("/api/v1/hubs/d3chat/groups/g1");
        var first = await authorizer.ServerTokenAsync(url, CancellationToken.None);

        _time.Advance(SignalRTokens.ServerTokenLifetime / 2 - TimeSpan.FromSeconds(1));

        Assert.Equal(first, await authorizer.ServerTokenAsync(url, CancellationToken.None));
    }

    [Fact]
    public async Task ServerToken_AfterHalfItsLifetime_IsANewOneThatStillVerifies()
    {
        var authorizer = Authorizer();
        var url = Endpoint.ServerUrl("/api/v1/hubs/d3chat/groups/g1");
        var first = await authorizer.ServerTokenAsync(url, CancellationToken.None);

        _time.Advance(SignalRTokens.ServerTokenLifetime / 2);
        var second = await authorizer.ServerTokenAsync(url, CancellationToken.None);

        Assert.NotEqual(first, second);
        Assert.NotNull(await SignalRTokens.ValidateAsync(second, Endpoint.KeyBytes, aud => aud == url, _time.GetUtcNow()));
    }

    [Fact]
    public async Task ServerToken_AnotherUrl_GetsItsOwnToken()
    {
        var authorizer = Authorizer();
        var url = Endpoint.ServerUrl("/api/v1/hubs/d3chat/groups/g1");
        var other = Endpoint.ServerUrl("/api/v1/hubs/d3chat/groups/g2");
        await authorizer.ServerTokenAsync(url, CancellationToken.None);

        var token = await authorizer.ServerTokenAsync(other, CancellationToken.None);

        Assert.NotNull(await SignalRTokens.ValidateAsync(token, Endpoint.KeyBytes, aud => aud == other, _time.GetUtcNow()));
        Assert.Null(await SignalRTokens.ValidateAsync(token, Endpoint.KeyBytes, aud => aud == url, _time.GetUtcNow()));
    }
}
