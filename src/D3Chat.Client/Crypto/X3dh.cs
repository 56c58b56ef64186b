namespace D3Chat.Client.Crypto;

/// <summary>The shared secret and associated data both sides of a new pairwise session derive (docs/crypto.md §3).</summary>
public sealed record X3dhSecret(byte[] SharedSecret, byte[] AssociatedData);

public static class X3dh
{
    private static readonly byte[] Padding = Enumerable.Repeat((byte)0xFF, 32).ToArray();

    /// <summary>
    /// The initiator's side. The bundle must already be verified (<see cref="Keys.VerifyBundle"/>); <paramref name="ephemeral"/>
    /// is fresh per session (injectable only so vectors are deterministic).
    /// </summary>
    public static X3dhSecret Initiate(EcKeyPair identity, Guid deviceId, PreKeyBundle bundle, EcKeyPair ephemeral)
    {
        var dh1 = Primitives.Ecdh(identity, bundle.SignedPreKey);
        var dh2 = Primitives.Ecdh(ephemeral, bundle.IdentityKey);
        var dh3 = Primitives.Ecdh(ephemeral, bundle.SignedPreKey);
        var dh4 = bundle.OneTimePreKey is { } opk ? Primitives.Ecdh(ephemeral, opk) : [];
        if (dh1 is null || dh2 is null || dh3 is null || dh4 is null)
        {
            throw new ArgumentException("the bundle has an invalid public key; verify it first", nameof(bundle));
        }
        return new X3dhSecret(
            DeriveSecret(dh1, dh2, dh3, dh4),
            AssociatedData(identity.PublicKey, bundle.IdentityKey, deviceId, bundle.DeviceId));
    }

    /// <summary>The responder's side; null when an initiator key is not a valid point.</summary>
    public static X3dhSecret? Respond(
        EcKeyPair identity, Guid deviceId, EcKeyPair signedPreKey, EcKeyPair? oneTimePreKey,
        byte[] initiatorIdentityKey, byte[] initiatorEphemeralKey, Guid initiatorDeviceId)
    {
        var dh1 = Primitives.Ecdh(signedPreKey, initiatorIdentityKey);
        var dh2 = Primitives.Ecdh(identity, initiatorEphemeralKey);
        var dh3 = Primitives.Ecdh(signedPreKey, initiatorEphemeralKey);
        var dh4 = oneTimePreKey is null ? [] : Primitives.Ecdh(oneTimePreKey, initiatorEphemeralKey);
        if (dh1 is null || dh2 is null || dh3 is null || dh4 is null)
        {
            return null;
        }
        return new X3dhSecret(
            DeriveSecret(dh1, dh2, dh3, dh4),
            AssociatedData(initiatorIdentityKey, identity.PublicKey, initiatorDeviceId, deviceId));
    }

    /// <summary><c>SK = HKDF(0xFF×32 ‖ DH1 ‖ DH2 ‖ DH3 [‖ DH4], 32 zero bytes, X3DH_INFO, 32)</c>.</summary>
    public static byte[] DeriveSecret(byte[] dh1, byte[] dh2, byte[] dh3, byte[] dh4) =>
        Primitives.Hkdf(Bytes.Concat(Padding, dh1, dh2, dh3, dh4), null, Labels.X3dhInfo, 32);

    /// <summary><c>AD = IK_A ‖ IK_B ‖ device_A ‖ device_B</c> (162 bytes; A is always the initiator).</summary>
    public static byte[] AssociatedData(byte[] initiatorIdentityKey, byte[] responderIdentityKey, Guid initiatorDeviceId, Guid responderDeviceId) =>
        Bytes.Concat(initiatorIdentityKey, responderIdentityKey, Bytes.Uuid(initiatorDeviceId), Bytes.Uuid(responderDeviceId));
}
