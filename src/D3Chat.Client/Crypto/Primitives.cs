using System.Security.Cryptography;

namespace D3Chat.Client.Crypto;

/// <summary>
/// A P-256 key pair usable for both ECDH and ECDSA. It is held as PKCS#8 (the form that crosses to Web Crypto)
/// plus the 65-byte uncompressed public point; the imported .NET key objects are cached, never persisted.
/// </summary>
public sealed class EcKeyPair
{
    private ECDiffieHellman? _ecdh;
    private ECDsa? _ecdsa;

    private EcKeyPair(byte[] pkcs8, byte[] publicKey)
    {
        Pkcs8 = pkcs8;
        PublicKey = publicKey;
    }

    public byte[] Pkcs8 { get; }

    public byte[] PublicKey { get; }

    public static EcKeyPair Generate()
    {
        var key = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        return new EcKeyPair(key.ExportPkcs8PrivateKey(), Primitives.EncodePoint(key.ExportParameters(false).Q)) { _ecdh = key };
    }

    public static EcKeyPair FromPkcs8(byte[] pkcs8)
    {
        var key = ECDiffieHellman.Create();
        key.ImportPkcs8PrivateKey(pkcs8, out _);
        return new EcKeyPair(pkcs8, Primitives.EncodePoint(key.ExportParameters(false).Q)) { _ecdh = key };
    }

    /// <summary>From a raw private scalar (JWK <c>d</c>); the public point is computed.</summary>
    public static EcKeyPair FromPrivateScalar(byte[] d)
    {
        using var key = ECDiffieHellman.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = d });
        return FromPkcs8(key.ExportPkcs8PrivateKey());
    }

    internal ECDiffieHellman Ecdh
    {
        get
        {
            if (_ecdh is null)
            {
                var key = ECDiffieHellman.Create();
                key.ImportPkcs8PrivateKey(Pkcs8, out _);
                _ecdh = key;
            }
            return _ecdh;
        }
    }

    internal ECDsa Ecdsa
    {
        get
        {
            if (_ecdsa is null)
            {
                var key = ECDsa.Create();
                key.ImportPkcs8PrivateKey(Pkcs8, out _);
                _ecdsa = key;
            }
            return _ecdsa;
        }
    }
}

/// <summary>
/// The only caller of System.Security.Cryptography in the protocol: P-256 ECDH and ECDSA (P1363), HKDF and HMAC
/// with SHA-256, AES-256-GCM as ciphertext‖tag. Untrusted input yields null/false, never an exception.
/// </summary>
public static class Primitives
{
    private static readonly byte[] ZeroSalt = new byte[32];

    public static byte[] EncodePoint(ECPoint q) => Bytes.Concat([0x04], q.X!, q.Y!);

    /// <summary>Whether the bytes are a 65-byte uncompressed point on P-256 (validated by importing it).</summary>
    public static bool IsValidPublicKey(ReadOnlySpan<byte> publicKey) => PeerKeyFor(publicKey) is not null;

    /// <summary>The 32-byte X coordinate of the shared point (Web Crypto <c>deriveBits(…, 256)</c>); null for an invalid peer key.</summary>
    public static byte[]? Ecdh(EcKeyPair own, ReadOnlySpan<byte> peerPublicKey) =>
        PeerKeyFor(peerPublicKey) is { } peer ? own.Ecdh.DeriveRawSecretAgreement(peer.PublicKey) : null;

    public static byte[] Hkdf(byte[] ikm, byte[]? salt, byte[] info, int length) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, length, salt ?? ZeroSalt, info);

    public static byte[] Hmac(byte[] key, byte[] data) => HMACSHA256.HashData(key, data);

    public static byte[] Sha256(byte[] data) => SHA256.HashData(data);

    public static byte[] RandomBytes(int length) => RandomNumberGenerator.GetBytes(length);

    public static byte[] AesGcmSeal(byte[] key, byte[] nonce, byte[] plaintext, byte[] aad)
    {
        Bytes.AssertLength(key, Labels.KeyLength, nameof(key));
        Bytes.AssertLength(nonce, Labels.NonceLength, nameof(nonce));
        var output = new byte[plaintext.Length + Labels.TagLength];
        using var gcm = new AesGcm(key, Labels.TagLength);
        gcm.Encrypt(nonce, plaintext, output.AsSpan(0, plaintext.Length), output.AsSpan(plaintext.Length), aad);
        return output;
    }

    /// <summary>Opens ciphertext‖tag; null when the tag does not verify (maps to <c>bad_mac</c>).</summary>
    public static byte[]? AesGcmOpen(byte[] key, byte[] nonce, ReadOnlySpan<byte> sealedBytes, byte[] aad)
    {
        Bytes.AssertLength(key, Labels.KeyLength, nameof(key));
        Bytes.AssertLength(nonce, Labels.NonceLength, nameof(nonce));
        if (sealedBytes.Length < Labels.TagLength)
        {
            return null;
        }
        var length = sealedBytes.Length - Labels.TagLength;
        var plaintext = new byte[length];
        using var gcm = new AesGcm(key, Labels.TagLength);
        try
        {
            gcm.Decrypt(nonce, sealedBytes[..length], sealedBytes[length..], plaintext, aad);
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    /// <summary>ECDSA P-256 / SHA-256 as 64-byte IEEE P1363 <c>r‖s</c>.</summary>
    public static byte[] Sign(EcKeyPair key, byte[] data) =>
        key.Ecdsa.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        signature.Length == Labels.SignatureLength
        && VerifierFor(publicKey) is { } key
        && key.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    // Importing (and so validating) a public key costs far more than one verification, and a chain's key verifies
    // every message of a catch-up: imported keys are kept per thread (an ECDsa object is not shared across threads).
    [ThreadStatic]
    private static Dictionary<string, ECDsa>? Verifiers;

    private const int MaxCachedVerifiers = 256; // per cache and thread; past it the cache starts over

    [ThreadStatic]
    private static Dictionary<string, ECDiffieHellman>? PeerKeys;

    private static ECDsa? VerifierFor(ReadOnlySpan<byte> publicKey) => Cached(ref Verifiers, publicKey, ECDsa.Create);

    // The same holds for ECDH: a session's peer keys (identity, signed pre-key, ratchet key) each take part in several agreements.
    private static ECDiffieHellman? PeerKeyFor(ReadOnlySpan<byte> publicKey) => Cached(ref PeerKeys, publicKey, ECDiffieHellman.Create);

    private static T? Cached<T>(ref Dictionary<string, T>? cache, ReadOnlySpan<byte> publicKey, Func<ECParameters, T> import)
        where T : class, IDisposable
    {
        cache ??= [];
        var id = Convert.ToHexString(publicKey);
        if (cache.TryGetValue(id, out var cached))
        {
            return cached;
        }
        if (publicKey.Length != Labels.PublicKeyLength || publicKey[0] != 0x04)
        {
            return null;
        }
        T key;
        try
        {
            // Importing the point validates it (on the curve, not the identity).
            key = import(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = publicKey[1..33].ToArray(), Y = publicKey[33..].ToArray() },
            });
        }
        catch (CryptographicException)
        {
            return null;
        }
        if (cache.Count >= MaxCachedVerifiers)
        {
            foreach (var old in cache.Values)
            {
                old.Dispose();
            }
            cache.Clear();
        }
        return cache[id] = key;
    }
}
