using System.Net;
using D3Chat.Core.Federation;

namespace D3Chat.Core.Tests.Federation;

public sealed class PublicAddressTests
{
    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("8.8.8.8")]
    [InlineData("100.63.255.255")]   // just below the CGNAT range
    [InlineData("172.32.0.1")]       // just above 172.16/12
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:1.1.1.1")]
    [InlineData("64:ff9b::808:808")] // NAT64 of 8.8.8.8
    public void IsPublic_GloballyRoutable_IsTrue(string address) =>
        Assert.True(PublicAddresses.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.1.2.3")]
    [InlineData("0.0.0.0")]
    [InlineData("10.1.2.3")]
    [InlineData("100.64.0.1")]
    [InlineData("169.254.169.254")]  // cloud metadata
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("192.0.2.1")]
    [InlineData("198.18.0.1")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("64:ff9b::7f00:1")]  // NAT64 of 127.0.0.1
    [InlineData("fc00::1")]
    [InlineData("fd12:3456::1")]
    [InlineData("fe80::1")]
    [InlineData("ff02::1")]
    [InlineData("2001:db8::1")]
    [InlineData("2002:7f00:1::1")]   // 6to4 embedding 127.0.0.1
    public void IsPublic_LocalPrivateOrReserved_IsFalse(string address) =>
        Assert.False(PublicAddresses.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("localhost,127.0.0.1", "127.0.0.1", 7071, true)]
    [InlineData("localhost,127.0.0.1", "LOCALHOST", 7071, true)]
    [InlineData("127.0.0.1:7071", "127.0.0.1", 7071, true)]
    [InlineData("127.0.0.1:7071", "127.0.0.1", 7072, false)]
    [InlineData("", "127.0.0.1", 7071, false)]
    [InlineData("peer.internal", "peer.internal.evil.example", 443, false)]
    public void AllowsPrivateAddresses_ListedHostOrHostAndPort(string list, string host, int port, bool expected) =>
        Assert.Equal(expected, new FederationOptions { AllowPrivateHosts = list }.AllowsPrivateAddresses(host, port));
}
