using D3Chat.Core.Federation;

namespace D3Chat.Core.Tests.Federation;

public sealed class BackoffAndDomainTests
{
    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 4)]
    [InlineData(3, 8)]
    [InlineData(10, 1024)]
    public void After_ConsecutiveFailures_DoublesFromFirstDelay(int failures, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Backoff.After(failures, TimeSpan.FromHours(1)));

    [Theory]
    [InlineData(12)]
    [InlineData(1000)]
    public void After_ManyFailures_CappedAtMaxBackoff(int failures) =>
        Assert.Equal(TimeSpan.FromHours(1), Backoff.After(failures, TimeSpan.FromHours(1)));

    [Theory]
    [InlineData("chat.example.com")]
    [InlineData("localhost:8000")]
    [InlineData("127.0.0.1:5123")]
    public void IsValid_HostOrHostPort_True(string domain) => Assert.True(DomainNames.IsValid(domain));

    [Theory]
    [InlineData("")]
    [InlineData("evil.com/path")]
    [InlineData("user@evil.com")]
    [InlineData("evil.com:99999")]
    [InlineData("evil.com?x=1")]
    [InlineData("evil.com:")]
    public void IsValid_AnythingElse_False(string domain) => Assert.False(DomainNames.IsValid(domain));

    [Theory]
    [InlineData("localhost,127.0.0.1", "127.0.0.1:5000", true)]
    [InlineData("localhost,127.0.0.1", "localhost", true)]
    [InlineData("localhost, 127.0.0.1", "chat.example.com", false)]
    [InlineData("", "127.0.0.1:5000", false)]
    [InlineData("chat.test:81", "chat.test:81", true)]
    public void AllowsHttp_ListedHostsOnly(string allow, string domain, bool expected) =>
        Assert.Equal(expected, new FederationOptions { AllowHttpHosts = allow }.AllowsHttp(domain));
}
