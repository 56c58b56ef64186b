using NSec.Cryptography;

namespace D3Chat.Client.Crypto;

/// <summary>
/// The Ed25519 signing key of a sender-key chain (docs/crypto.md §4), the only use of NSec in the client: .NET has no
/// Ed25519. It is held as its 32-byte seed (what the file store keeps and the vectors give) with the 32-byte public key;
/// the libsodium key object is made on first use and never persisted. Device signing keys stay P-256 ECDSA.
/// </summary>
public sealed class ChainSigningKey
{
    private static readonly SignatureAlgorithm Algorithm = SignatureAlgorithm.Ed25519;
    private Key? _key;

    private ChainSigningKey(byte[] seed, byte[] publicKey)
    {
        Seed = seed;
        PublicKey = publicKey;
    }

    public byte[] Seed { get; }

    public byte[] PublicKey { get; }

    public static ChainSigningKey Generate() => FromSeed(Primitives.RandomBytes(Labels.ChainSigningKeyLength));

    public static ChainSigningKey FromSeed(byte[] seed)
    {
        Bytes.AssertLength(seed, Labels.ChainSigningKeyLength, nameof(seed));
        var key = Key.Import(Algorithm, seed, KeyBlobFormat.RawPrivateKey);
        return new ChainSigningKey(seed.ToArray(), key.PublicKey.Export(KeyBlobFormat.RawPublicKey)) { _key = key };
    }

    /// <summary>Ed25519 (RFC 8032): deterministic, 64 bytes.</summary>
    public byte[] Sign(byte[] data)
    {
        _key ??= Key.Import(Algorithm, Seed, KeyBlobFormat.RawPrivateKey);
        return Algorithm.Sign(_key, data);
    }

    /// <summary>Whether <paramref name="signature"/> is this chain's signature over <paramref name="data"/>; false for any malformed input.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        publicKey.Length == Labels.ChainSigningKeyLength
        && signature.Length == Labels.SignatureLength
        && NSec.Cryptography.PublicKey.TryImport(Algorithm, publicKey, KeyBlobFormat.RawPublicKey, out var key)
        && Algorithm.Verify(key!, data, signature);
}
