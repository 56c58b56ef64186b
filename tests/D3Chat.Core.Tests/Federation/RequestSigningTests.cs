using System.Text;
using D3Chat.Core.Crypto;
using D3Chat.Core.Federation;

namespace D3Chat.Core.Tests.Federation;

/// <summary>
/// The reference implementation's own signing vectors (its test-suite seed, 32 × 0xAA), reproduced byte for byte,
/// so D3Chat and reference servers verify each other. D3Chat's documented vectors are in <see cref="ProtocolVectorTests"/>.
/// </summary>
public sealed class RequestSigningTests
{
    private const string PublicKey = "5zTqbCtiV95yNV5HKqBaTEh+a0Y8Ap7TBt8vAbVja1g=";
    private const string InboxBody = """{"type":"message.relay"}""";
    private const string InboxBodyHash = "c63729661786f18411b7bb48f01392909f7d135dfdfbf54e56e838e35f78ff7d";
    private const string InboxSignature = "pYnRcIxypeiHZ5KtfKuKVeEHF3wlCWnjPqG6GU4YAqfZncGrkw6TDLTUUqIF1/BNYeDSRWs/a9wEj2kXkIaaBw==";
    private const string LookupSignature = "NhOqRofdIaCozEjNv0LmHKzy/Ft/xy+y0FWIKbifm8A+bmzuYydnskqyrUCclouXgZ7MBxj85NatKAdqopa7Dw==";
    private const string LookupPath = "/federation/user-lookup?username=alice";

    private static ServerSigningKey Key() => new(Enumerable.Repeat((byte)0xAA, 32).ToArray());

    [Fact]
    public void PublicKey_Seed0xAA_MatchesVector()
    {
        using var key = Key();
        Assert.Equal(PublicKey, key.PublicKeyBase64);
    }

    [Fact]
    public void CanonicalString_InboxVector_IsNewlineJoinedWithHexBodyHash()
    {
        var body = Encoding.UTF8.GetBytes(InboxBody);

        Assert.Equal(InboxBodyHash, RequestSigning.BodyHash(body));
        Assert.Equal($"POST\n/federation/inbox\n1700000000.0\n{InboxBodyHash}", RequestSigning.CanonicalString("POST", "/federation/inbox", "1700000000.0", body));
    }

    [Fact]
    public void Sign_InboxVector_ProducesTheKnownSignature()
    {
        using var key = Key();
        var headers = RequestSigning.Sign(key, "a.example", "POST", "/federation/inbox", "1700000000.0", Encoding.UTF8.GetBytes(InboxBody));

        Assert.Equal(InboxSignature, headers.Signature);
        Assert.Equal("1700000000.0", headers.Timestamp);
        Assert.Equal("a.example", headers.Origin);
    }

    [Fact]
    public void Sign_LookupVector_ProducesTheKnownSignature()
    {
        using var key = Key();
        var headers = RequestSigning.Sign(key, "a.example", "GET", LookupPath, "1700000000.0", []);

        Assert.Equal(LookupSignature, headers.Signature);
    }

    [Fact]
    public void Verify_BothVectors_Accepted()
    {
        Assert.True(RequestSigning.Verify(PublicKey, "POST", "/federation/inbox", "1700000000.0", Encoding.UTF8.GetBytes(InboxBody), InboxSignature));
        Assert.True(RequestSigning.Verify(PublicKey, "GET", LookupPath, "1700000000.0", [], LookupSignature));
    }

    [Theory]
    [InlineData("POST", "/federation/inbox", "1700000000.0", """{"type":"message.relay" }""")]
    [InlineData("POST", "/federation/inbox", "1700000000", """{"type":"message.relay"}""")]
    [InlineData("POST", "/federation/inbox/", "1700000000.0", """{"type":"message.relay"}""")]
    [InlineData("PUT", "/federation/inbox", "1700000000.0", """{"type":"message.relay"}""")]
    public void Verify_AnyPartChanged_Rejected(string method, string path, string timestamp, string body)
    {
        Assert.False(RequestSigning.Verify(PublicKey, method, path, timestamp, Encoding.UTF8.GetBytes(body), InboxSignature));
    }

    [Theory]
    [InlineData("not base64!", InboxSignature)]
    [InlineData(PublicKey, "not base64!")]
    [InlineData(PublicKey, "AAAA")]
    public void Verify_MalformedKeyOrSignature_FalseNotThrow(string publicKey, string signature)
    {
        Assert.False(RequestSigning.Verify(publicKey, "POST", "/federation/inbox", "1700000000.0", Encoding.UTF8.GetBytes(InboxBody), signature));
    }

    [Theory]
    [InlineData("1700000000.0", 1700000000.0)]
    [InlineData("1739712345.8123455", 1739712345.8123455)]
    [InlineData("1e9", 1e9)]
    public void ParseTimestamp_FloatStrings_Parsed(string value, double expected) =>
        Assert.Equal(expected, RequestSigning.ParseTimestamp(value));

    [Theory]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("NaN")]
    [InlineData(null)]
    public void ParseTimestamp_NotAFloat_Null(string? value) => Assert.Null(RequestSigning.ParseTimestamp(value));

    [Fact]
    public void FormatTimestamp_WholeSecond_HasDecimalPoint() =>
        Assert.Equal("1700000000.0", RequestSigning.FormatTimestamp(DateTimeOffset.FromUnixTimeSeconds(1700000000)));
}
