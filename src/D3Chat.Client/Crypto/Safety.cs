using System.Buffers.Binary;
using System.Text;

namespace D3Chat.Client.Crypto;

/// <summary>One device as the safety number sees it: its identity and signing public keys.</summary>
public sealed record DeviceFingerprint(byte[] IdentityKey, byte[] SigningKey);

/// <summary>A safety number: 60 digits shown as 12 groups of 5, and each side's digest (what a client remembers per contact).</summary>
public sealed record SafetyNumber(string Digits, byte[] OwnDigest, byte[] ContactDigest)
{
    public string Grouped => string.Join(' ', Enumerable.Range(0, 12).Select(i => Digits.Substring(i * 5, 5)));
}

/// <summary>Safety numbers over every device of both users (docs/crypto.md §6).</summary>
public static class Safety
{
    /// <summary><c>SHA-256(SAFETY_NUMBER_LABEL ‖ 0x01 ‖ concat(sorted(IK_pub ‖ SIG_pub)))</c>, entries sorted bytewise.</summary>
    public static byte[] UserDigest(IEnumerable<DeviceFingerprint> devices)
    {
        var entries = devices.Select(d => Bytes.Concat(d.IdentityKey, d.SigningKey)).ToList();
        entries.Sort((a, b) => a.AsSpan().SequenceCompareTo(b));
        var input = new List<byte[]> { Labels.SafetyNumberLabel, new[] { Labels.SafetyNumberFormat } };
        input.AddRange(entries);
        return Primitives.Sha256(Bytes.Concat([.. input]));
    }

    /// <summary>30 digits: six 5-byte big-endian integers of the digest, each mod 100000.</summary>
    public static string UserDigits(byte[] digest)
    {
        var text = new StringBuilder(30);
        Span<byte> chunk = stackalloc byte[8];
        for (var i = 0; i < 6; i++)
        {
            digest.AsSpan(i * 5, 5).CopyTo(chunk[3..]);
            text.Append((BinaryPrimitives.ReadUInt64BigEndian(chunk) % 100000).ToString("D5", System.Globalization.CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }

    public static SafetyNumber Compute(IEnumerable<DeviceFingerprint> own, IEnumerable<DeviceFingerprint> contact)
    {
        var ownDigest = UserDigest(own);
        var contactDigest = UserDigest(contact);
        var halves = new[] { UserDigits(ownDigest), UserDigits(contactDigest) };
        Array.Sort(halves, StringComparer.Ordinal);
        return new SafetyNumber(halves[0] + halves[1], ownDigest, contactDigest);
    }
}
