using System.Net;
using D3Chat.Core.Http;
using D3Chat.Core.RateLimiting;
using Microsoft.AspNetCore.Http;

namespace D3Chat.Core.Tests.Accounts;

public sealed class ClientAddressTests
{
    private static string Resolve(string trusted, string peer, string? forwardedFor)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(peer);
        if (forwardedFor is not null)
        {
            context.Request.Headers["X-Forwarded-For"] = forwardedFor;
        }
        return new ClientAddress(Microsoft.Extensions.Options.Options.Create(new RateLimitOptions { TrustedProxies = trusted })).Of(context.Request);
    }

    [Fact]
    public void Of_NoTrustedProxies_IgnoresForwardedFor() =>
        Assert.Equal("198.51.100.7", Resolve("", "198.51.100.7", "1.2.3.4"));

    [Fact]
    public void Of_UntrustedPeer_IgnoresForwardedFor() =>
        Assert.Equal("198.51.100.7", Resolve("10.0.0.1", "198.51.100.7", "1.2.3.4"));

    [Fact]
    public void Of_TrustedPeer_TakesTheRightmostUntrustedHop() =>
        Assert.Equal("203.0.113.5", Resolve("10.0.0.0/8", "10.0.0.1", "6.6.6.6, 203.0.113.5, 10.0.0.2"));

    [Fact]
    public void Of_TrustedPeerWithoutHeader_IsThePeer() =>
        Assert.Equal("10.0.0.1", Resolve("10.0.0.1", "10.0.0.1", null));

    [Fact]
    public void Of_Ipv4MappedPeer_IsShownAsIpv4() =>
        Assert.Equal("203.0.113.5", Resolve("127.0.0.1", "::ffff:127.0.0.1", "203.0.113.5"));

    [Fact]
    public void Of_GarbledHop_StopsAtTheLastTrustedAddress() =>
        Assert.Equal("10.0.0.1", Resolve("10.0.0.1", "10.0.0.1", "1.2.3.4, not-an-ip"));

    [Theory]
    [InlineData("10.0.0.1, 192.168.0.0/16, ::1", true)]
    [InlineData("not-an-address", false)]
    public void Validate_TrustedProxies_AcceptsAddressesAndRanges(string list, bool valid)
    {
        var results = new RateLimitOptions { TrustedProxies = list }.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(new object()));

        Assert.Equal(valid, !results.Any());
    }
}
