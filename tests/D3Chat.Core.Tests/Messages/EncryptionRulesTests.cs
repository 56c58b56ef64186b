using D3Chat.Core.Channels;
using D3Chat.Core.Crypto;
using D3Chat.Core.Http;
using D3Chat.Core.Keys;
using D3Chat.Core.Messages;

namespace D3Chat.Core.Tests.Messages;

/// <summary>The validators behind the server's E2EE rules: frame check, key encoding, client ids, channel types.</summary>
public sealed class EncryptionRulesTests
{
    private static byte[] FrameBytes(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        bytes[0] = 0x04;
        bytes[1] = 0x11;
        return bytes;
    }

    [Theory]
    [InlineData(102)]
    [InlineData(103)]
    [InlineData(104)]
    [InlineData(4096)]
    public void Frame_WellFormed_HasNoProblem(int length) => Assert.Null(MessageFrame.Problem(Convert.ToBase64String(FrameBytes(length))));

    [Fact]
    public void Frame_MinLength_IsHeaderChainIndexTagSignature() => Assert.Equal(102, MessageFrame.MinLength);

    [Fact]
    public void Frame_OneByteShort_IsTooShort() => Assert.Equal(MessageFrame.TooShort, MessageFrame.Problem(Convert.ToBase64String(FrameBytes(101))));

    [Theory]
    [InlineData(0x02, 0x11)]
    [InlineData(0x03, 0x11)]
    [InlineData(0x04, 0x01)]
    [InlineData(0x04, 0x21)]
    [InlineData(0x00, 0x00)]
    public void Frame_OtherVersionOrType_IsWrongHeader(byte version, byte type)
    {
        var bytes = FrameBytes(150);
        bytes[0] = version;
        bytes[1] = type;

        Assert.Equal(MessageFrame.WrongHeader, MessageFrame.Problem(Convert.ToBase64String(bytes)));
    }

    [Fact]
    public void Frame_Base64UrlOrWhitespaceOrUnpadded_IsNotBase64()
    {
        var frame = Convert.ToBase64String(FrameBytes(150));

        Assert.Equal(MessageFrame.NotBase64, MessageFrame.Problem(frame[..^4] + "-_-_"));
        Assert.Equal(MessageFrame.NotBase64, MessageFrame.Problem(frame[..76] + "\n" + frame[76..]));
        Assert.Equal(MessageFrame.NotBase64, MessageFrame.Problem(Convert.ToBase64String(FrameBytes(151)).TrimEnd('=')));
        Assert.Equal(MessageFrame.NotBase64, MessageFrame.Problem("plain text"));
        Assert.Equal(MessageFrame.NotBase64, MessageFrame.Problem(""));
    }

    [Theory]
    [InlineData("QQ==", true, 1)]
    [InlineData("QUI=", true, 2)]
    [InlineData("QUJD", true, 3)]
    [InlineData("QQ=A", false, 0)]
    [InlineData("====", false, 0)]
    [InlineData("QQ", false, 0)]
    [InlineData("Q Q=", false, 0)]
    [InlineData("", false, 0)]
    public void StandardBase64_IsStrict_AndDecodedLength(string value, bool strict, int length)
    {
        Assert.Equal(strict, StandardBase64.IsStrict(value));
        if (strict)
        {
            Assert.Equal(length, StandardBase64.DecodedLength(value));
        }
    }

    [Fact]
    public void PublicKey_OnlyA65BytePointStarting04_Passes()
    {
        var point = new byte[65];
        point[0] = 0x04;
        Assert.True(PublicKeyEncoding.IsP256Point(Convert.ToBase64String(point)));
        point[0] = 0x03;
        Assert.False(PublicKeyEncoding.IsP256Point(Convert.ToBase64String(point)));
        Assert.False(PublicKeyEncoding.IsP256Point(Convert.ToBase64String(new byte[33])));
        var longer = new byte[66];
        longer[0] = 0x04;
        Assert.False(PublicKeyEncoding.IsP256Point(Convert.ToBase64String(longer)));
    }

    private static IReadOnlyList<FieldError> Errors(IValidatable request)
    {
        var validator = new Validator();
        request.Validate(validator);
        return validator.Errors;
    }

    [Fact]
    public void SendRequest_V3WithDeviceAndFrame_IsValid() =>
        Assert.Empty(Errors(new SendMessageRequest(Convert.ToBase64String(FrameBytes(120)), ProtocolVersion: 3, SenderDeviceId: Guid.NewGuid())));

    [Fact]
    public void SendRequest_V3WithoutDeviceOrFrame_NamesBothFields()
    {
        var errors = Errors(new SendMessageRequest("hello", ProtocolVersion: 3));

        Assert.Equal([("sender_device_id", SendMessageRequest.DeviceRequired), ("content", MessageFrame.NotBase64)], errors.Select(e => (e.Loc[1], e.Msg)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(99)]
    public void SendRequest_UnknownVersion_IsRefused(int version) =>
        Assert.Equal(SendMessageRequest.UnknownProtocolVersion, Assert.Single(Errors(new SendMessageRequest("x", ProtocolVersion: version))).Msg);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void SendRequest_V1AndV2_AreNotFrameChecked(int version) => Assert.Empty(Errors(new SendMessageRequest("anything", ProtocolVersion: version)));

    [Theory]
    [InlineData("a", true)]
    [InlineData("0b7a3f4e-2d7c-4b8e-9a55-3f1d2c4b5a69", true)]
    [InlineData("~!#$%&'()*+,-./:;<=>?@[]^_`{|}", true)]
    [InlineData("", false)]
    [InlineData("with space", false)]
    [InlineData("tab\t", false)]
    [InlineData("ü", false)]
    public void ClientMessageId_PrintableAsciiOnly(string value, bool valid) => Assert.Equal(valid, ClientMessageIds.IsValid(value));

    [Fact]
    public void ClientMessageId_LongerThan128_IsInvalid()
    {
        Assert.True(ClientMessageIds.IsValid(new string('x', 128)));
        Assert.False(ClientMessageIds.IsValid(new string('x', 129)));
    }

    [Fact]
    public void WithHeader_FoldsTheHeaderIn_AndRefusesADifferentBodyId()
    {
        var request = new SendMessageRequest("c");

        Assert.Equal("k1", ClientMessageIds.WithHeader(request, "k1").Request.ClientMessageId);
        Assert.Null(ClientMessageIds.WithHeader(request with { ClientMessageId = "k1" }, "k1").Error);
        Assert.Equal(ClientMessageIds.ConflictingHeader, ClientMessageIds.WithHeader(request with { ClientMessageId = "k1" }, "k2").Error!.Msg);
        Assert.Equal(ClientMessageIds.InvalidMessage, ClientMessageIds.WithHeader(request, "a b").Error!.Msg);
        Assert.Same(request, ClientMessageIds.WithHeader(request, "").Request);
    }

    [Theory]
    [InlineData(null, true, true)]
    [InlineData("sender_keys", true, true)]
    [InlineData("x3dh", true, true)]
    [InlineData("none", false, false)]
    [InlineData("whatever", true, false)]
    public void ChannelEncryption_OnlyNoneIsUnencrypted_AndNoneIsNeverCreatable(string? type, bool encrypted, bool creatable)
    {
        Assert.Equal(encrypted, ChannelEncryption.IsEncrypted(type));
        Assert.Equal(creatable, ChannelEncryption.IsCreatable(type));
    }

    [Theory]
    [InlineData("none", "sender_keys")]
    [InlineData("", "sender_keys")]
    [InlineData(null, "sender_keys")]
    [InlineData("x3dh", "x3dh")]
    [InlineData("sender_keys", "sender_keys")]
    public void ChannelEncryption_InvitesNeverCreatePlaintextChannels(string? invited, string stored) => Assert.Equal(stored, ChannelEncryption.FromInvite(invited));

    private static string Point()
    {
        var point = new byte[65];
        point[0] = 0x04;
        return Convert.ToBase64String(point);
    }

    [Fact]
    public void RemoteBundle_FromAPeer_NeedsBoundedKeysAndAPointOrNoSigningKey()
    {
        var bundle = new KeyBundleResponse(Guid.NewGuid(), "ik", "spk", "sig", null, 0, Point());

        Assert.True(RemoteKeyBundles.IsValid(bundle));
        Assert.True(RemoteKeyBundles.IsValid(bundle with { SigningKey = null }));
        Assert.False(RemoteKeyBundles.IsValid(bundle with { SigningKey = "not a key" }));
        Assert.False(RemoteKeyBundles.IsValid(bundle with { DeviceId = Guid.Empty }));
        Assert.False(RemoteKeyBundles.IsValid(bundle with { IdentityKey = "" }));
        Assert.False(RemoteKeyBundles.IsValid(bundle with { SignedPreKey = new string('k', 256) }));
        Assert.False(RemoteKeyBundles.IsValid(bundle with { SignedPreKeySignature = null! }));
    }

    [Fact]
    public void KeyClaimRequest_NeedsUsernameAndDevice()
    {
        Assert.Empty(Errors(new KeyClaimRequest("bob", Guid.NewGuid())));
        Assert.Equal(["username", "device_id"], Errors(new KeyClaimRequest(null, null)).Select(e => e.Loc[1]));
    }
}
