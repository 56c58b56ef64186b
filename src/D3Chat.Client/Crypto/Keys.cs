namespace D3Chat.Client.Crypto;

/// <summary>A one-time pre-key this device published; its private half is deleted once a session used it.</summary>
public sealed record OneTimePreKey(EcKeyPair Key);

/// <summary>
/// The long-lived keys of one device (docs/crypto.md §2): identity (ECDH), signing (ECDSA), the signed pre-key
/// and its signature, and the unclaimed one-time pre-keys, looked up by their public bytes.
/// </summary>
public sealed record DeviceKeys(
    EcKeyPair Identity,
    EcKeyPair Signing,
    EcKeyPair SignedPreKey,
    byte[] SignedPreKeySignature,
    IReadOnlyList<EcKeyPair> OneTimePreKeys)
{
    public static DeviceKeys Generate(int oneTimePreKeys = Labels.OneTimePrekeys)
    {
        var identity = EcKeyPair.Generate();
        var signing = EcKeyPair.Generate();
        var spk = EcKeyPair.Generate();
        return new DeviceKeys(identity, signing, spk, Keys.SignPreKey(signing, identity.PublicKey, spk.PublicKey),
            Enumerable.Range(0, oneTimePreKeys).Select(_ => EcKeyPair.Generate()).ToList());
    }

    public EcKeyPair? FindOneTimePreKey(ReadOnlySpan<byte> publicKey)
    {
        foreach (var key in OneTimePreKeys)
        {
            if (publicKey.SequenceEqual(key.PublicKey))
            {
                return key;
            }
        }
        return null;
    }

    public DeviceKeys WithoutOneTimePreKey(byte[] publicKey) =>
        this with { OneTimePreKeys = OneTimePreKeys.Where(k => !k.PublicKey.AsSpan().SequenceEqual(publicKey)).ToList() };
}

/// <summary>What a server returns for a device (bytes already decoded from base64). Nothing in it is trusted until <see cref="Keys.VerifyBundle"/>.</summary>
public sealed record PreKeyBundle(
    Guid UserId,
    Guid DeviceId,
    byte[] IdentityKey,
    byte[]? SigningKey,
    byte[] SignedPreKey,
    byte[] SignedPreKeySignature,
    byte[]? OneTimePreKey);

public static class Keys
{
    /// <summary>The bytes the signing key signs: <c>SPK_SIGNATURE_LABEL ‖ IK_pub ‖ SPK_pub</c>, which also binds identity to signing key.</summary>
    public static byte[] PreKeySignatureInput(byte[] identityKey, byte[] signedPreKey) =>
        Bytes.Concat(Labels.SpkSignatureLabel, identityKey, signedPreKey);

    public static byte[] SignPreKey(EcKeyPair signing, byte[] identityKey, byte[] signedPreKey) =>
        Primitives.Sign(signing, PreKeySignatureInput(identityKey, signedPreKey));

    /// <summary>
    /// True only for a bundle with a signing key whose pre-key signature verifies and whose keys are valid P-256
    /// points; a client never starts a session otherwise (<c>untrusted_identity</c>).
    /// </summary>
    public static bool VerifyBundle(PreKeyBundle bundle) =>
        bundle.SigningKey is { } signingKey
        && Primitives.IsValidPublicKey(bundle.IdentityKey)
        && Primitives.IsValidPublicKey(bundle.SignedPreKey)
        && (bundle.OneTimePreKey is null || Primitives.IsValidPublicKey(bundle.OneTimePreKey))
        && Primitives.Verify(signingKey, PreKeySignatureInput(bundle.IdentityKey, bundle.SignedPreKey), bundle.SignedPreKeySignature);
}
