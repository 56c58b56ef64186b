using NSec.Cryptography;

namespace D3Chat.Core.Crypto;

/// <summary>
/// This server's Ed25519 federation identity, derived from a configured 32-byte seed so it is
/// stable across restarts and across the function apps that share the setting.
/// </summary>
public sealed class ServerSigningKey : IDisposable
{
    private static readonly SignatureAlgorithm Algorithm = SignatureAlgorithm.Ed25519;
    private readonly Key _key;

    public ServerSigningKey(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != 32)
        {
            throw new ArgumentException("The Ed25519 seed must be exactly 32 bytes.", nameof(seed));
        }
        _key = Key.Import(Algorithm, seed, KeyBlobFormat.RawPrivateKey);
        PublicKeyBase64 = Convert.ToBase64String(_key.PublicKey.Export(KeyBlobFormat.RawPublicKey));
    }

    /// <summary>Parses the base64 seed from configuration; the message never includes the value.</summary>
    public static ServerSigningKey FromBase64Seed(string? base64Seed)
    {
        byte[] seed;
        try
        {
            seed = Convert.FromBase64String(base64Seed ?? "");
        }
        catch (FormatException)
        {
            throw new InvalidOperationException("Federation__SigningKeySeed is not valid base64.");
        }
        if (seed.Length != 32)
        {
            throw new InvalidOperationException("Federation__SigningKeySeed must be the base64 of exactly 32 bytes.");
        }
        return new ServerSigningKey(seed);
    }

    /// <summary>Standard padded base64 of the 32-byte public key (44 characters), as published in discovery.</summary>
    public string PublicKeyBase64 { get; }

    public byte[] Sign(ReadOnlySpan<byte> data) => Algorithm.Sign(_key, data);

    /// <summary>Verifies an Ed25519 signature by a peer's raw 32-byte public key.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != 32 || signature.Length != 64)
        {
            return false;
        }
        return PublicKey.TryImport(Algorithm, publicKey, KeyBlobFormat.RawPublicKey, out var key)
            && Algorithm.Verify(key!, data, signature);
    }

    public void Dispose() => _key.Dispose();
}
