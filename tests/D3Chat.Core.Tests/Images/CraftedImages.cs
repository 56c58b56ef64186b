using System.Buffers.Binary;

namespace D3Chat.Core.Tests.Images;

/// <summary>
/// Decompression bombs of a few kB, built byte by byte: a large canvas with many 1×1 frames costs
/// almost nothing to send but a full canvas per frame to a decoder that keeps every frame.
/// Also compiled into the integration tests (linked), so both suites upload the same bytes.
/// </summary>
public static class CraftedImages
{
    /// <summary>An animated GIF of a <paramref name="width"/>×<paramref name="height"/> canvas and <paramref name="frames"/> 1×1 frames.</summary>
    public static byte[] AnimatedGif(int width, int height, int frames)
    {
        var gif = new List<byte>();
        gif.AddRange("GIF89a"u8.ToArray());
        gif.AddRange(UInt16(width));
        gif.AddRange(UInt16(height));
        gif.AddRange([0x80, 0, 0]); // global colour table of 2 entries
        gif.AddRange([0, 0, 0, 255, 255, 255]);
        gif.AddRange([0x21, 0xFF, 0x0B, .. "NETSCAPE2.0"u8.ToArray(), 0x03, 0x01, 0, 0, 0]);
        for (var i = 0; i < frames; i++)
        {
            gif.AddRange([0x21, 0xF9, 0x04, 0, 0, 0, 0, 0]);
            // A 1×1 frame at the origin: LZW min code size 2, codes clear, 0, end.
            gif.AddRange([0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0x02, 0x02, 0x44, 0x01, 0x00]);
        }
        gif.Add(0x3B);
        return [.. gif];
    }

    /// <summary>An animated WebP header (VP8X with the animation flag and a canvas) followed by empty ANMF frames.</summary>
    public static byte[] AnimatedWebp(int width, int height, int frames)
    {
        var chunks = new List<byte>();
        chunks.AddRange("VP8X"u8.ToArray());
        chunks.AddRange(UInt32(10));
        chunks.AddRange([0x02, 0, 0, 0, .. UInt24(width - 1), .. UInt24(height - 1)]);
        chunks.AddRange([.. "ANIM"u8.ToArray(), .. UInt32(6), 0, 0, 0, 0, 0, 0]);
        for (var i = 0; i < frames; i++)
        {
            chunks.AddRange([.. "ANMF"u8.ToArray(), .. UInt32(16), .. UInt24(0), .. UInt24(0), .. UInt24(width - 1), .. UInt24(height - 1), 0, 0, 0, 0]);
        }
        return [.. "RIFF"u8.ToArray(), .. UInt32(4 + chunks.Count), .. "WEBP"u8.ToArray(), .. chunks];
    }

    /// <summary>A PNG signature and IHDR announcing <paramref name="width"/>×<paramref name="height"/>, and nothing else.</summary>
    public static byte[] PngHeader(int width, int height)
    {
        var bytes = new byte[33];
        byte[] signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        signature.CopyTo(bytes, 0);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), 13);
        "IHDR"u8.CopyTo(bytes.AsSpan(12));
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(16), width);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(20), height);
        bytes[24] = 8;
        bytes[25] = 6;
        return bytes;
    }

    private static byte[] UInt16(int value) => [(byte)value, (byte)(value >> 8)];

    private static byte[] UInt24(int value) => [(byte)value, (byte)(value >> 8), (byte)(value >> 16)];

    private static byte[] UInt32(int value) => [(byte)value, (byte)(value >> 8), (byte)(value >> 16), (byte)(value >> 24)];
}
