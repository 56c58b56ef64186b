using System.Buffers.Binary;
using System.Security.Cryptography;

namespace D3Chat.Client.Crypto;

/// <summary>Byte-string helpers shared by every protocol step.</summary>
public static class Bytes
{
    public static byte[] Concat(params ReadOnlySpan<byte[]> parts)
    {
        var length = 0;
        foreach (var part in parts)
        {
            length += part.Length;
        }
        var result = new byte[length];
        var offset = 0;
        foreach (var part in parts)
        {
            part.CopyTo(result, offset);
            offset += part.Length;
        }
        return result;
    }

    public static byte[] U32(uint value)
    {
        var result = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(result, value);
        return result;
    }

    /// <summary>A UUID as its 16 bytes in RFC 4122 order (the hex digits of its string form), never <c>ToByteArray()</c>.</summary>
    public static byte[] Uuid(Guid id)
    {
        var result = new byte[16];
        id.TryWriteBytes(result, bigEndian: true, out _);
        return result;
    }

    public static Guid ReadUuid(ReadOnlySpan<byte> bytes) => new(bytes[..16], bigEndian: true);

    public static bool ConstantTimeEqual(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => CryptographicOperations.FixedTimeEquals(a, b);

    public static string ToHex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    public static byte[] FromHex(string hex) => Convert.FromHexString(hex);

    public static byte[] Single(byte value) => [value];

    /// <summary>Throws for a wrong length: a programming error, never a property of untrusted input.</summary>
    public static byte[] AssertLength(byte[] bytes, int length, string name) =>
        bytes.Length == length ? bytes : throw new ArgumentException($"{name} must be {length} bytes, got {bytes.Length}", name);
}
