using D3Chat.Client.Crypto;

namespace D3Chat.Client.E2ee;

/// <summary>An encrypted file as a message refers to it; key and hash travel only inside the encrypted message.</summary>
public sealed record AttachmentRef(string? Id, string Key, string Sha256, string Name, string Type, long Size);

/// <summary>The plaintext of a channel message: <c>{"text": "...", "attachments": [...]}</c>.</summary>
public sealed record MessagePayload(string Text, IReadOnlyList<AttachmentRef>? Attachments = null);

/// <summary>What to post: <c>content</c>, <c>protocol_version</c> 3 and <c>sender_device_id</c>.</summary>
public sealed record EncryptedMessage(string Content, int ProtocolVersion, Guid SenderDeviceId);

/// <summary>A message as the server delivered it; every field is untrusted.</summary>
public sealed record IncomingMessage(Guid ChannelId, Guid SenderUserId, Guid? SenderDeviceId, string Content, int ProtocolVersion);

/// <summary>The safety number as shown (<c>"12345 67890 …"</c>, 60 digits in 12 groups) and whether it changed since it was accepted.</summary>
public sealed record SafetyNumberCheck(string Digits, bool Changed);

/// <summary>Raised when a contact's devices no longer match the safety number this device remembered.</summary>
public sealed record SafetyNumberChanged(Guid UserId);

/// <summary>A sender-key envelope that could not be used, by sending device.</summary>
public sealed record EnvelopeFailure(Guid SenderDeviceId, DecryptFailureReason Reason);

/// <summary>
/// A message could not be encrypted for every member device (no bundle, an unverifiable key). Nothing was posted:
/// there is never a plaintext fallback. <see cref="Reason"/> is <c>no_bundle</c>, <c>untrusted_identity</c>, <c>no_devices</c>,
/// <c>not_a_member</c> (the codes of the TypeScript module) or <c>no_keys</c> (this device has not created its keys yet).
/// </summary>
public sealed class EncryptionUnavailableException(string reason, string message) : Exception(message)
{
    public string Reason { get; } = reason;
}
