using D3Chat.Core.Realtime;
using Microsoft.Extensions.Time.Testing;

namespace D3Chat.Core.Tests.Realtime;

public sealed class SignalREndpointTests
{
    [Fact]
    public void Parse_AzureConnectionString_GivesEndpointAndKey()
    {
        var endpoint = SignalREndpoint.Parse("Endpoint=https://x.service.signalr.net/;AccessKey=abc=;Version=1.0;")!;

        Assert.Equal("https://x.service.signalr.net", endpoint.BaseUrl);
        Assert.Equal("abc=", endpoint.AccessKey);
        Assert.Equal("https://x.service.signalr.net/client/?hub=d3chat", endpoint.ClientUrl("d3chat"));
    }

    [Fact]
    public void Parse_PortSegment_OverridesTheEndpointPort() =>
        Assert.Equal("http://127.0.0.1:9000", SignalREndpoint.Parse("Endpoint=http://127.0.0.1;Port=9000;AccessKey=k;Version=1.0;")!.BaseUrl);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Parse_Empty_ReturnsNull(string? value) => Assert.Null(SignalREndpoint.Parse(value));

    [Theory]
    [InlineData("AccessKey=k;Version=1.0;")]
    [InlineData("Endpoint=ftp://x;AccessKey=k;")]
    [InlineData("Endpoint=https://x;Version=1.0;")]
    [InlineData("Endpoint=https://x;AccessKey=k;Port=0;")]
    public void Parse_Malformed_Throws(string value) => Assert.Throws<FormatException>(() => SignalREndpoint.Parse(value));

    [Fact]
    public void WithPort_ReplacesOnlyThePort() =>
        Assert.Equal("Endpoint=http://127.0.0.1:5123;AccessKey=k=;Version=1.0;",
            SignalREndpoint.WithPort("Endpoint=http://127.0.0.1:7071;AccessKey=k=;Version=1.0;", 5123));

    [Fact]
    public async Task ClientToken_CarriesTheUserIdAndTheClientUrlAudience()
    {
        var endpoint = SignalREndpoint.Parse("Endpoint=http://127.0.0.1:7071;AccessKey=a-key-of-sufficient-length-0123456789;Version=1.0;")!;
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var user = Guid.NewGuid();
        var url = endpoint.ClientUrl("d3chat");

        var token = new SignalRTokens(endpoint, time).ClientToken(url, user);

        var claims = await SignalRTokens.ValidateAsync(token, endpoint.KeyBytes, aud => aud == url, time.GetUtcNow());
        Assert.Equal(user.ToString(), claims!.FindFirst(SignalRTokens.UserIdClaim)!.Value);
        time.Advance(SignalRTokens.ClientTokenLifetime + TimeSpan.FromMinutes(1));
        Assert.Null(await SignalRTokens.ValidateAsync(token, endpoint.KeyBytes, aud => aud == url, time.GetUtcNow()));
    }
}
