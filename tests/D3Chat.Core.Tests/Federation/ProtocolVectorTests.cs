using System.Text;
using D3Chat.Core.Crypto;
using D3Chat.Core.Federation;

namespace D3Chat.Core.Tests.Federation;

/// <summary>
/// The worked signing vectors of docs/protocol/federation.md §9, computed by D3Chat's own
/// <see cref="RequestSigning"/> and pinned here. Every constant of this class must appear verbatim in
/// that document (tests/D3Chat.Infra.Tests checks it), so the document cannot drift from the code.
/// </summary>
public sealed class ProtocolVectorTests
{
    // Seed 00 01 02 … 1f, as it would be configured: Federation__SigningKeySeed.
    private const string Seed = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private const string PublicKey = "A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=";

    private const string Origin = "a.example";
    private const string InboxPath = "/federation/inbox";
    private const string InboxTimestamp = "1767225600.25";
    private const string InboxBody =
        """{"event_id":"msg-6f1c2a9e-2d1b-4c5e-9a57-3b8f0d4e7c21","type":"message.relay","origin_server":"a.example","timestamp":"2026-01-01T00:00:00.250000+00:00","channel_id":"0b7e4d52-8c3a-4f0e-b1d6-5a9c2e7f8d13","sender_username":"alice","sender_device_id":"d2c4f6a8-1b3d-4e5f-8a7b-9c0d1e2f3a4b","content":"AhEiM0RVZneImaq7zN3u/wABAgM=","content_type":"text","protocol_version":2,"origin_message_id":"6f1c2a9e-2d1b-4c5e-9a57-3b8f0d4e7c21"}""";
    private const string InboxBodyHash = "d296b623488a20d23eb6208a81fda24327ff5a026068c13f11a4a6facf99b31b";
    private const string InboxSignature = "aNdu1TsRjrBgcetarOQhpKANx1six+kygLuZqunWHOBhN4qvb0CUkUf/SNtN129hkQqeWBxz+VyJW6bxp2ktCQ==";

    private const string LookupPath = "/federation/user-lookup?username=bob";
    private const string LookupTimestamp = "1767225600.0";
    private const string EmptyBodyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private const string LookupSignature = "1mHOf3vJOztinxlAyuh8fgDsjvaK5stZd8UnbfxWeMVE38CR9DV13qVwBsaBLCMk5stoiGR9rsZiUk/tb99HBQ==";

    private const string KeyBundlesPath = "/federation/key-bundles?username=bob";
    private const string KeyBundlesSignature = "kQ0AZ7cflEwpoi4t+EuXjnn5JcGSqEaJnS55OgdMJgC+4VNxN3SFc9fXhyoS2SBKmi/iku+F82X4JpYE9ZjDDg==";

    private static ServerSigningKey Key() => ServerSigningKey.FromBase64Seed(Seed);

    [Fact]
    public void Seed_Bytes_AreZeroToThirtyOne()
    {
        Assert.Equal(Enumerable.Range(0, 32).Select(i => (byte)i), Convert.FromBase64String(Seed));
    }

    [Fact]
    public void PublicKey_OfTheSeed_IsTheDocumentedKey()
    {
        using var key = Key();

        Assert.Equal(PublicKey, key.PublicKeyBase64);
    }

    [Fact]
    public void FormatTimestamp_DocumentedInstants_AreTheDocumentedHeaders()
    {
        Assert.Equal(InboxTimestamp, RequestSigning.FormatTimestamp(new DateTimeOffset(2026, 1, 1, 0, 0, 0, 250, TimeSpan.Zero)));
        Assert.Equal(LookupTimestamp, RequestSigning.FormatTimestamp(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void Inbox_MessageRelay_HashCanonicalStringAndSignature()
    {
        using var key = Key();
        var body = Encoding.UTF8.GetBytes(InboxBody);

        var headers = RequestSigning.Sign(key, Origin, "POST", InboxPath, InboxTimestamp, body);

        Assert.Equal(InboxBodyHash, RequestSigning.BodyHash(body));
        Assert.Equal($"POST\n{InboxPath}\n{InboxTimestamp}\n{InboxBodyHash}", RequestSigning.CanonicalString("POST", InboxPath, InboxTimestamp, body));
        Assert.Equal(new SignedHeaders(Origin, InboxTimestamp, InboxSignature), headers);
        Assert.True(RequestSigning.Verify(PublicKey, "POST", InboxPath, InboxTimestamp, body, InboxSignature));
    }

    [Fact]
    public void UserLookup_EmptyBody_HashCanonicalStringAndSignature()
    {
        using var key = Key();

        var headers = RequestSigning.Sign(key, Origin, "get", LookupPath, LookupTimestamp, []);

        Assert.Equal(EmptyBodyHash, RequestSigning.BodyHash([]));
        Assert.Equal($"GET\n{LookupPath}\n{LookupTimestamp}\n{EmptyBodyHash}", RequestSigning.CanonicalString("get", LookupPath, LookupTimestamp, []));
        Assert.Equal(LookupSignature, headers.Signature);
    }

    [Fact]
    public void KeyBundles_EmptyBody_Signature()
    {
        using var key = Key();

        var headers = RequestSigning.Sign(key, Origin, "GET", KeyBundlesPath, LookupTimestamp, []);

        Assert.Equal(KeyBundlesSignature, headers.Signature);
    }

    [Fact]
    public void Verify_ChangedTimestampOrPath_Rejected()
    {
        var body = Encoding.UTF8.GetBytes(InboxBody);

        Assert.False(RequestSigning.Verify(PublicKey, "POST", InboxPath, "1767225600.250", body, InboxSignature));
        Assert.False(RequestSigning.Verify(PublicKey, "GET", KeyBundlesPath, LookupTimestamp, [], LookupSignature));
    }
}
