namespace D3Chat.Client.Crypto;

/// <summary>An encrypted file: the blob the server stores, and the key and hash that travel inside the encrypted message.</summary>
public sealed record EncryptedAttachment(byte[] Blob, byte[] Key, byte[] Sha256);

/// <summary>Attachments (docs/crypto.md §5): a fresh key and nonce per file, <c>blob = nonce ‖ AES-GCM(key, nonce, bytes, ATTACHMENT_AAD)</c>.</summary>
public static class Attachments
{
    public static EncryptedAttachment Encrypt(byte[] content, byte[]? key = null, byte[]? nonce = null)
    {
        key ??= Primitives.RandomBytes(Labels.KeyLength);
        nonce ??= Primitives.RandomBytes(Labels.NonceLength);
        var blob = Bytes.Concat(nonce, Primitives.AesGcmSeal(key, nonce, content, Labels.AttachmentAad));
        return new EncryptedAttachment(blob, key, Primitives.Sha256(blob));
    }

    /// <summary>Checks the blob's hash first (a swapped blob is <c>bad_mac</c>, as is a wrong key), then decrypts.</summary>
    public static DecryptResult<byte[]> Decrypt(byte[] blob, byte[] key, byte[] sha256)
    {
        if (key.Length != Labels.KeyLength || sha256.Length != 32)
        {
            return DecryptFailureReason.Malformed;
        }
        if (blob.Length < Labels.NonceLength + Labels.TagLength)
        {
            return DecryptFailureReason.Malformed;
        }
        if (!Bytes.ConstantTimeEqual(Primitives.Sha256(blob), sha256))
        {
            return DecryptFailureReason.BadMac;
        }
        var plaintext = Primitives.AesGcmOpen(key, blob[..Labels.NonceLength], blob.AsSpan(Labels.NonceLength), Labels.AttachmentAad);
        return plaintext is null ? DecryptFailureReason.BadMac : DecryptResult<byte[]>.Success(plaintext);
    }
}
