using D3Chat.Client.Crypto;

namespace D3Chat.Client.Tests;

public sealed class PrimitivesTests
{
    [Fact]
    public void Hkdf_matches_rfc5869_test_case_1()
    {
        var okm = Primitives.Hkdf(
            Bytes.FromHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"), Bytes.FromHex("000102030405060708090a0b0c"),
            Bytes.FromHex("f0f1f2f3f4f5f6f7f8f9"), 42);
        Assert.Equal("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865", Bytes.ToHex(okm));
    }

    [Fact]
    public void Uuid_bytes_are_in_rfc4122_order()
    {
        var id = Guid.Parse("00112233-4455-6677-8899-aabbccddeeff");
        Assert.Equal("00112233445566778899aabbccddeeff", Bytes.ToHex(Bytes.Uuid(id)));
        Assert.Equal(id, Bytes.ReadUuid(Bytes.Uuid(id)));
    }

    [Fact]
    public void Ecdh_is_the_32_byte_x_coordinate_and_agrees_both_ways()
    {
        var a = EcKeyPair.Generate();
        var b = EcKeyPair.Generate();
        var ab = Primitives.Ecdh(a, b.PublicKey)!;
        Assert.Equal(32, ab.Length);
        Assert.Equal(ab, Primitives.Ecdh(b, a.PublicKey));
        Assert.Equal(65, a.PublicKey.Length);
        Assert.Equal(0x04, a.PublicKey[0]);
    }

    [Fact]
    public void Ecdh_with_a_point_off_the_curve_gives_null()
    {
        var bad = EcKeyPair.Generate().PublicKey.ToArray();
        bad[64] ^= 1;
        Assert.Null(Primitives.Ecdh(EcKeyPair.Generate(), bad));
    }

    [Fact]
    public void Signatures_are_64_byte_p1363_and_bound_to_the_data()
    {
        var key = EcKeyPair.Generate();
        var signature = Primitives.Sign(key, [1, 2, 3]);
        Assert.Equal(64, signature.Length);
        Assert.True(Primitives.Verify(key.PublicKey, [1, 2, 3], signature));
        Assert.False(Primitives.Verify(key.PublicKey, [1, 2, 4], signature));
        Assert.False(Primitives.Verify(EcKeyPair.Generate().PublicKey, [1, 2, 3], signature));
    }

    [Fact]
    public void Chain_signatures_are_deterministic_ed25519_bound_to_the_data_and_key()
    {
        var key = ChainSigningKey.Generate();
        Assert.Equal(Labels.ChainSigningKeyLength, key.PublicKey.Length);
        var signature = key.Sign([1, 2, 3]);
        Assert.Equal(64, signature.Length);
        Assert.Equal(signature, ChainSigningKey.FromSeed(key.Seed).Sign([1, 2, 3]));
        Assert.True(ChainSigningKey.Verify(key.PublicKey, [1, 2, 3], signature));
        Assert.False(ChainSigningKey.Verify(key.PublicKey, [1, 2, 4], signature));
        Assert.False(ChainSigningKey.Verify(ChainSigningKey.Generate().PublicKey, [1, 2, 3], signature));
        Assert.False(ChainSigningKey.Verify(key.PublicKey, [1, 2, 3], signature[1..]));
        Assert.False(ChainSigningKey.Verify(EcKeyPair.Generate().PublicKey, [1, 2, 3], signature));
    }

    /// <summary>
    /// The same bytes as static-web's split-view test: libsodium refuses a small-order public key and a small-order R,
    /// which Web Crypto accepts; the web client refuses them explicitly, so both clients reject these messages alike.
    /// </summary>
    [Fact]
    public void Chain_signatures_with_a_small_order_key_or_R_are_refused_as_by_the_web_client()
    {
        var identity = new byte[32];
        identity[0] = 1;
        var anyMessage = new byte[64];
        identity.CopyTo(anyMessage, 0);
        Assert.False(ChainSigningKey.Verify(identity, [1, 2, 3], anyMessage));

        var key = ChainSigningKey.FromSeed(Enumerable.Repeat((byte)7, 32).ToArray());
        var forgedWithIdentityR = Convert.FromHexString(
            "01000000000000000000000000000000000000000000000000000000000000009cec47435813c70a6c8f9e2fe0119474a3c30d8581c31a4afca25cd333c6020e");
        Assert.False(ChainSigningKey.Verify(key.PublicKey, [1, 2, 3], forgedWithIdentityR));
        Assert.True(ChainSigningKey.Verify(key.PublicKey, [1, 2, 3], key.Sign([1, 2, 3])));
    }

    [Fact]
    public void Aes_gcm_appends_the_tag_and_refuses_a_tampered_byte()
    {
        var key = new byte[32];
        var nonce = new byte[12];
        var sealedBytes = Primitives.AesGcmSeal(key, nonce, [1, 2, 3], [9]);
        Assert.Equal(3 + 16, sealedBytes.Length);
        Assert.Equal([1, 2, 3], Primitives.AesGcmOpen(key, nonce, sealedBytes, [9]));
        Assert.Null(Primitives.AesGcmOpen(key, nonce, sealedBytes, [8]));
        sealedBytes[^1] ^= 1;
        Assert.Null(Primitives.AesGcmOpen(key, nonce, sealedBytes, [9]));
    }

    [Fact]
    public void A_key_pair_survives_pkcs8_and_a_raw_scalar()
    {
        var key = EcKeyPair.Generate();
        Assert.Equal(key.PublicKey, EcKeyPair.FromPkcs8(key.Pkcs8).PublicKey);
        var d = System.Security.Cryptography.ECDiffieHellman.Create();
        d.ImportPkcs8PrivateKey(key.Pkcs8, out _);
        Assert.Equal(key.PublicKey, EcKeyPair.FromPrivateScalar(d.ExportParameters(true).D!).PublicKey);
    }

    [Fact]
    public void Reason_codes_are_the_documented_strings()
    {
        Assert.Equal(
            ["malformed", "unsupported_version", "legacy_protocol", "no_session", "unknown_prekey", "untrusted_identity", "bad_mac", "duplicate",
             "too_far_ahead", "unknown_chain", "wrong_channel", "wrong_sender", "bad_signature", "before_device_joined", "not_a_recipient"],
            Enum.GetValues<DecryptFailureReason>().Select(r => r.Code()));
        Assert.Equal(DecryptFailureReason.TooFarAhead, DecryptFailureReasons.Parse("too_far_ahead"));
    }
}
