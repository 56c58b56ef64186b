namespace D3Chat.Client.Crypto;

/// <summary>
/// Every protocol constant of docs/crypto.md §1, listed once. <c>tests/vectors/labels.json</c> holds the same
/// list and both test suites assert against it, so the TypeScript and C# clients cannot drift apart.
/// </summary>
public static class Labels
{
    public const byte Version = 0x03;

    /// <summary>
    /// Version byte of channel messages and sender-key distributions: 0x04 since a chain's signing key is Ed25519.
    /// A 0x03 message or distribution (a P-256 ECDSA chain) is refused as <c>legacy_protocol</c>.
    /// </summary>
    public const byte ChainVersion = 0x04;

    /// <summary>The version byte of P-256 ECDSA chains, recognised only to refuse them as <c>legacy_protocol</c>.</summary>
    public const byte LegacyChainVersion = 0x03;
    public const byte TypePrekey = 0x01;
    public const byte TypeRatchet = 0x02;
    public const byte TypeGroup = 0x11;
    public const byte TypeSenderKey = 0x21;

    public static readonly byte[] SpkSignatureLabel = "D3Chat v3 Signed PreKey"u8.ToArray();
    public static readonly byte[] X3dhInfo = "D3Chat v3 X3DH"u8.ToArray();
    public static readonly byte[] RootInfo = "D3Chat v3 Root"u8.ToArray();
    public static readonly byte[] MessageKeysInfo = "D3Chat v3 Message Keys"u8.ToArray();
    public static readonly byte[] GroupMessageKeysInfo = "D3Chat v3 Group Message Keys"u8.ToArray();
    public static readonly byte[] GroupAadLabel = "D3Chat v3 Group Message"u8.ToArray();
    public static readonly byte[] AttachmentAad = "D3Chat v3 Attachment"u8.ToArray();
    public static readonly byte[] SafetyNumberLabel = "D3Chat v3 Safety Number"u8.ToArray();
    public const byte SafetyNumberFormat = 0x01;

    /// <summary>KDF_CK: message key = HMAC(ck, 0x01), next chain key = HMAC(ck, 0x02).</summary>
    public const byte ChainMessageSeed = 0x01;
    public const byte ChainNextSeed = 0x02;

    public const int MaxSkippedKeys = 1000;
    public const int MaxForwardJump = 2000;
    public const int OneTimePrekeys = 100;
    public const int ReplenishBelow = 20;

    /// <summary>Sessions kept per peer device (the current one and earlier ones a simultaneous start left behind).</summary>
    public const int MaxSessionStates = 5;

    /// <summary>Earlier chains of a channel a distribution may carry after the current one.</summary>
    public const int MaxPreviousChains = 10;
    public const int RotateAfterMessages = 100;
    public const long RotateAfterSeconds = 604800;

    public const int PublicKeyLength = 65;
    public const int SignatureLength = 64;

    /// <summary>An Ed25519 public key (a chain's signing key) and an Ed25519 seed.</summary>
    public const int ChainSigningKeyLength = 32;
    public const int KeyLength = 32;
    public const int NonceLength = 12;
    public const int TagLength = 16;
    public const int ChainIdLength = 16;
    public const int IdLength = 16;
    public const int RatchetHeaderLength = PublicKeyLength + 8;

    /// <summary>The <c>protocol_version</c> of every message this client posts; 1 and 2 are reference formats.</summary>
    public const int ProtocolVersion = 3;
}
