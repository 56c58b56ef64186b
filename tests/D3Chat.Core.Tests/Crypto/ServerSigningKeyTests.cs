using D3Chat.Core.Crypto;

namespace D3Chat.Core.Tests.Crypto;

public sealed class ServerSigningKeyTests
{
    // RFC 8032 §7.1, TEST 2 (one-byte message 0x72).
    private const string SecretHex = "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb";
    private const string PublicHex = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c";
    private const string SignatureHex = "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00";

    [Fact]
    public void Sign_Rfc8032Test2_ProducesTheKnownSignatureAndPublicKey()
    {
        using var key = new ServerSigningKey(Convert.FromHexString(SecretHex));

        Assert.Equal(Convert.ToBase64String(Convert.FromHexString(PublicHex)), key.PublicKeyBase64);
        Assert.Equal(SignatureHex, Convert.ToHexStringLower(key.Sign([0x72])));
    }

    [Fact]
    public void Verify_Rfc8032Test2_AcceptsTheSignatureAndRejectsATamperedMessage()
    {
        var publicKey = Convert.FromHexString(PublicHex);
        var signature = Convert.FromHexString(SignatureHex);

        Assert.True(ServerSigningKey.Verify(publicKey, [0x72], signature));
        Assert.False(ServerSigningKey.Verify(publicKey, [0x73], signature));
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("AAEC")]
    [InlineData("")]
    public void FromBase64Seed_InvalidSeed_ThrowsWithoutEchoingTheValue(string seed)
    {
        var error = Assert.Throws<InvalidOperationException>(() => ServerSigningKey.FromBase64Seed(seed));

        Assert.Contains("Federation__SigningKeySeed", error.Message, StringComparison.Ordinal);
        if (seed.Length > 0)
        {
            Assert.DoesNotContain(seed, error.Message, StringComparison.Ordinal);
        }
    }
}
