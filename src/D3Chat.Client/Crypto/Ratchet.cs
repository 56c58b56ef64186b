namespace D3Chat.Client.Crypto;

/// <summary>The key derivations of the Double Ratchet and the sender-key chains, as pure functions (docs/crypto.md §1, §3).</summary>
public static class Ratchet
{
    private static readonly byte[] MessageKeySeed = [Labels.ChainMessageSeed];
    private static readonly byte[] ChainKeySeed = [Labels.ChainNextSeed];

    /// <summary><c>KDF_RK(rk, dh)</c>: HKDF(ikm = dh, salt = rk, ROOT_INFO, 64) → new root key, chain key.</summary>
    public static (byte[] RootKey, byte[] ChainKey) KdfRk(byte[] rootKey, byte[] dhOutput)
    {
        var okm = Primitives.Hkdf(dhOutput, rootKey, Labels.RootInfo, 64);
        return (okm[..32], okm[32..]);
    }

    /// <summary><c>KDF_CK(ck)</c>: message key = HMAC(ck, 0x01), next chain key = HMAC(ck, 0x02).</summary>
    public static (byte[] MessageKey, byte[] NextChainKey) KdfCk(byte[] chainKey) =>
        (Primitives.Hmac(chainKey, MessageKeySeed), Primitives.Hmac(chainKey, ChainKeySeed));

    /// <summary><c>KEYS(info, mk)</c>: HKDF(ikm = mk, 32 zero bytes, info, 44) → AES key (32), nonce (12).</summary>
    public static (byte[] Key, byte[] Nonce) MessageKeys(byte[] info, byte[] messageKey)
    {
        var okm = Primitives.Hkdf(messageKey, null, info, Labels.KeyLength + Labels.NonceLength);
        return (okm[..Labels.KeyLength], okm[Labels.KeyLength..]);
    }
}
