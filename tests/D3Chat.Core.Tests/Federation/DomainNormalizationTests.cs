using D3Chat.Core.Federation;

namespace D3Chat.Core.Tests.Federation;

public sealed class DomainNormalizationTests
{
    [Theory]
    [InlineData("Chat.Example.COM", "chat.example.com")]
    [InlineData("chat.example.com:443", "chat.example.com")]
    [InlineData("chat.example.com:80", "chat.example.com")]
    [InlineData("chat.example.com.", "chat.example.com")]
    [InlineData("Chat.Example.com:8443", "chat.example.com:8443")]
    [InlineData("bücher.example", "xn--bcher-kva.example")]
    [InlineData("BÜCHER.example:443", "xn--bcher-kva.example")]
    [InlineData("127.0.0.1:7071", "127.0.0.1:7071")]
    public void Normalize_OneSpellingPerServer(string domain, string expected) => Assert.Equal(expected, DomainNames.Normalize(domain));

    [Theory]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("user@host")]
    [InlineData("host:0")]
    [InlineData("host:99999")]
    [InlineData("ex ample.com")]
    public void Normalize_Invalid_IsNull(string domain) => Assert.Null(DomainNames.Normalize(domain));
}
