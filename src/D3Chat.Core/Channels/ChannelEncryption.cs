namespace D3Chat.Core.Channels;

/// <summary>
/// Which channels are end-to-end encrypted, and therefore refuse plaintext (<c>protocol_version</c> 1),
/// from local clients and from peers alike: every channel whose <c>encryption_type</c> is not
/// <see cref="None"/>. No route creates a <see cref="None"/> channel, neither users, admins nor
/// federation invites (see docs/api.md): a plaintext channel is how a modified client, or the
/// reference client's silent fallback, would put readable messages under an "encrypted" banner.
/// The value is honoured only where an operator sets it in the database.
/// </summary>
public static class ChannelEncryption
{
    public const string SenderKeys = "sender_keys";
    public const string X3dh = "x3dh";
    public const string None = "none";

    public const string CreatableMessage = "encryption_type must be \"sender_keys\" (or \"x3dh\" for a DM): every channel is end-to-end encrypted";

    /// <summary>A missing type is the default, <see cref="SenderKeys"/>: encrypted.</summary>
    public static bool IsEncrypted(string? encryptionType) => encryptionType != None;

    /// <summary>The types a channel may be created with: only encrypted ones.</summary>
    public static bool IsCreatable(string? encryptionType) => encryptionType is null or SenderKeys or X3dh;

    /// <summary>The type a channel copied from a peer's invite gets: an unknown or plaintext type becomes <see cref="SenderKeys"/>.</summary>
    public static string FromInvite(string? encryptionType) => encryptionType is X3dh ? X3dh : SenderKeys;
}
