using System.Net;
using System.Net.Sockets;

namespace D3Chat.Core.Federation;

/// <summary>
/// Which IP addresses a federation request may reach: globally routable unicast only. Loopback,
/// private (RFC 1918, unique-local), link-local, shared (CGNAT), documentation, benchmarking,
/// multicast and reserved ranges are refused, so a peer name cannot point the server at its own
/// network (issue 12 item 9). IPv4-mapped and NAT64 IPv6 addresses are judged by their IPv4 address.
/// </summary>
internal static class PublicAddresses
{
    private static readonly (byte[] Prefix, int Bits)[] BlockedV4 =
    [
        ([0, 0, 0, 0], 8),          // "this" network
        ([10, 0, 0, 0], 8),         // private
        ([100, 64, 0, 0], 10),      // shared address space (CGNAT)
        ([127, 0, 0, 0], 8),        // loopback
        ([169, 254, 0, 0], 16),     // link-local, cloud metadata endpoints
        ([172, 16, 0, 0], 12),      // private
        ([192, 0, 0, 0], 24),       // IETF protocol assignments
        ([192, 0, 2, 0], 24),       // documentation
        ([192, 88, 99, 0], 24),     // 6to4 relay anycast (deprecated)
        ([192, 168, 0, 0], 16),     // private
        ([198, 18, 0, 0], 15),      // benchmarking
        ([198, 51, 100, 0], 24),    // documentation
        ([203, 0, 113, 0], 24),     // documentation
        ([224, 0, 0, 0], 4),        // multicast
        ([240, 0, 0, 0], 4),        // reserved, broadcast
    ];

    private static readonly (byte[] Prefix, int Bits)[] BlockedV6 =
    [
        (new byte[16], 127),                                   // :: and ::1
        ([0x01, 0x00, 0, 0, 0, 0, 0, 0], 64),                  // discard-only
        ([0x20, 0x01, 0x0d, 0xb8], 32),                        // documentation
        ([0x20, 0x01, 0x00, 0x00], 32),                        // Teredo (embeds another address)
        ([0x20, 0x02], 16),                                    // 6to4 (embeds another address)
        ([0xfc], 7),                                           // unique-local
        ([0xfe, 0x80], 10),                                    // link-local
        ([0xfe, 0xc0], 10),                                    // site-local (deprecated)
        ([0xff], 8),                                           // multicast
    ];

    private static readonly byte[] Nat64Prefix = [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0];

    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return IsPublic(address.MapToIPv4());
        }
        var bytes = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return !BlockedV4.Any(b => Matches(bytes, b.Prefix, b.Bits));
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }
        if (bytes.AsSpan(0, 12).SequenceEqual(Nat64Prefix))
        {
            return IsPublic(new IPAddress(bytes.AsSpan(12, 4)));
        }
        return !BlockedV6.Any(b => Matches(bytes, b.Prefix, b.Bits));
    }

    private static bool Matches(byte[] address, byte[] prefix, int bits)
    {
        for (var i = 0; i < bits; i++)
        {
            var octet = i / 8;
            var mask = 0x80 >> (i % 8);
            var expected = octet < prefix.Length ? prefix[octet] & mask : 0;
            if ((address[octet] & mask) != expected)
            {
                return false;
            }
        }
        return true;
    }
}
