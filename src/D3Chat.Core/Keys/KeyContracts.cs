using D3Chat.Core.Http;

namespace D3Chat.Core.Keys;

/// <summary>Most one-time pre-keys one request may carry; clients upload 20 at a time.</summary>
internal static class KeyLimits
{
    public const int MaxOneTimeKeys = 200;
    public const int MaxKeyLength = 255;
    public const int MaxEnvelopes = 1000;
    public const int MaxEnvelopeLength = 16 * 1024;

    public static void CheckOneTimeKeys(Validator v, IReadOnlyList<string>? keys)
    {
        if (keys is null)
        {
            return;
        }
        if (keys.Count > MaxOneTimeKeys)
        {
            v.Fail("one_time_pre_keys", $"List should have at most {MaxOneTimeKeys} items", "too_long");
        }
        if (keys.Any(k => string.IsNullOrEmpty(k) || k.Length > MaxKeyLength))
        {
            v.Fail("one_time_pre_keys", $"Each key should be a non-empty string of at most {MaxKeyLength} characters");
        }
    }

    public static void RequireDevice(Validator v, Guid? deviceId)
    {
        if (deviceId is null)
        {
            v.Fail("device_id", "Field required", "missing");
        }
    }
}

/// <summary>
/// <c>signing_key</c> (protocol v3, docs/crypto.md §2) is optional so reference clients can still
/// upload; when present it must be a P-256 public point, because clients verify the signed pre-key with it.
/// </summary>
public sealed record UploadBundleRequest(
    Guid? DeviceId, string? IdentityKey, string? SignedPreKey, string? SignedPreKeySignature, IReadOnlyList<string>? OneTimePreKeys = null,
    string? SigningKey = null) : IValidatable
{
    public void Validate(Validator v)
    {
        KeyLimits.RequireDevice(v, DeviceId);
        v.Required("identity_key", IdentityKey, 1, KeyLimits.MaxKeyLength);
        v.Required("signed_pre_key", SignedPreKey, 1, KeyLimits.MaxKeyLength);
        v.Required("signed_pre_key_signature", SignedPreKeySignature, 1, 1024);
        if (SigningKey is not null && !PublicKeyEncoding.IsP256Point(SigningKey))
        {
            v.Fail("signing_key", PublicKeyEncoding.NotAPointMessage);
        }
        KeyLimits.CheckOneTimeKeys(v, OneTimePreKeys);
    }
}

public sealed record OneTimeKeysRequest(Guid? DeviceId, IReadOnlyList<string>? OneTimePreKeys) : IValidatable
{
    public void Validate(Validator v)
    {
        KeyLimits.RequireDevice(v, DeviceId);
        if (OneTimePreKeys is null)
        {
            v.Fail("one_time_pre_keys", "Field required", "missing");
        }
        KeyLimits.CheckOneTimeKeys(v, OneTimePreKeys);
    }
}

/// <summary>
/// The spec's KeyBundleResponse plus <c>signing_key</c> (null when the device uploaded none);
/// <c>one_time_pre_key_count</c> is the count before this fetch claimed one.
/// </summary>
public sealed record KeyBundleResponse(
    Guid DeviceId, string IdentityKey, string SignedPreKey, string SignedPreKeySignature, string? OneTimePreKey, int OneTimePreKeyCount,
    string? SigningKey = null);

/// <summary>One device of a user as <c>GET /api/v1/keys/{user_id}/devices</c> lists it: its published keys, nothing claimed.</summary>
public sealed record DeviceKeysResponse(Guid DeviceId, string IdentityKey, string? SigningKey, string SignedPreKey, string SignedPreKeySignature)
{
    public static DeviceKeysResponse From(KeyBundleResponse b) => new(b.DeviceId, b.IdentityKey, b.SigningKey, b.SignedPreKey, b.SignedPreKeySignature);
}

/// <summary>One member of a channel with its devices (<c>GET /api/v1/keys/channels/{channel_id}/devices</c>).</summary>
public sealed record MemberDevicesResponse(Guid UserId, IReadOnlyList<DeviceKeysResponse> Devices);

public sealed record X3dhSetupRequest(string? InitiatorIdentityKey, string? EphemeralPublicKey, bool UsedOneTimeKey = false) : IValidatable
{
    public void Validate(Validator v)
    {
        v.Required("initiator_identity_key", InitiatorIdentityKey, 1, KeyLimits.MaxKeyLength);
        v.Required("ephemeral_public_key", EphemeralPublicKey, 1, KeyLimits.MaxKeyLength);
    }
}

public sealed record X3dhSetupResponse(string InitiatorIdentityKey, string EphemeralPublicKey, bool UsedOneTimeKey);

/// <summary>One sender-key envelope: the sender key encrypted for one recipient device (opaque to the server).</summary>
public sealed record SenderKeyEnvelopeInput(Guid? RecipientDeviceId, string? Envelope);

/// <summary>
/// Departure 3: a sending device distributes its sender key as one opaque envelope per recipient
/// device. The reference's plaintext <c>chain_key</c> is refused, so no group key reaches the server in the clear.
/// </summary>
public sealed record UploadSenderKeyRequest(
    Guid? DeviceId, string? SenderKeyPublic, IReadOnlyList<SenderKeyEnvelopeInput>? Envelopes, string? ChainKey = null) : IValidatable
{
    public void Validate(Validator v)
    {
        KeyLimits.RequireDevice(v, DeviceId);
        v.Required("sender_key_public", SenderKeyPublic, 1, KeyLimits.MaxKeyLength);
        if (ChainKey is not null)
        {
            v.Fail("chain_key", "chain_key must not be sent: distribute the sender key as per-device envelopes", "extra_forbidden");
        }
        if (Envelopes is null)
        {
            v.Fail("envelopes", "Field required", "missing");
            return;
        }
        if (Envelopes.Count > KeyLimits.MaxEnvelopes)
        {
            v.Fail("envelopes", $"List should have at most {KeyLimits.MaxEnvelopes} items", "too_long");
        }
        if (Envelopes.Any(e => e.RecipientDeviceId is null || string.IsNullOrEmpty(e.Envelope) || e.Envelope.Length > KeyLimits.MaxEnvelopeLength))
        {
            v.Fail("envelopes", "Each envelope needs a recipient_device_id and a non-empty envelope");
        }
        else if (Envelopes.Select(e => e.RecipientDeviceId).Distinct().Count() != Envelopes.Count)
        {
            v.Fail("envelopes", "Each recipient_device_id may appear only once");
        }
    }
}

/// <summary>Answer to a sender-key upload: the spec's SenderKeyResponse without the chain key, plus how many envelopes were stored.</summary>
public sealed record SenderKeyUploadResponse(Guid DeviceId, string SenderKeyPublic, int MessageNumber, int Recipients);

/// <summary>One envelope addressed to the requesting device; <c>device_id</c> is the sending device, as in SenderKeyResponse.</summary>
public sealed record SenderKeyEnvelopeResponse(
    Guid DeviceId, Guid? SenderUserId, string SenderKeyPublic, Guid RecipientDeviceId, string Envelope, int MessageNumber, DateTime CreatedAt);

/// <summary>A bundle row with the claim outcome of <see cref="KeyStore.ClaimAsync"/>.</summary>
internal sealed record ClaimedBundle
{
    public required Guid DeviceId { get; init; }
    public Guid OwnerId { get; init; }
    public required string IdentityKey { get; init; }
    public required string SignedPreKey { get; init; }
    public required string SignedPreKeySignature { get; init; }
    public string? SigningKey { get; init; }
    public string? OneTimePreKey { get; init; }
    public int OneTimePreKeyCount { get; init; }

    public KeyBundleResponse ToResponse() => new(DeviceId, IdentityKey, SignedPreKey, SignedPreKeySignature, OneTimePreKey, OneTimePreKeyCount, SigningKey);
}

/// <summary><c>{"status":"ok"}</c>.</summary>
public sealed record StatusResponse(string Status)
{
    public static readonly StatusResponse Ok = new("ok");
}

/// <summary><c>{"status":"ok","count":N}</c>: N = one-time keys the device now has.</summary>
public sealed record OneTimeKeysResponse(string Status, int Count);
