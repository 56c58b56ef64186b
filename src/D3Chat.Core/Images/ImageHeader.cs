using System.Buffers.Binary;

namespace D3Chat.Core.Images;

/// <summary>
/// Format, canvas size and animation of an image, read from its first bytes without decoding any
/// pixels. Thumbnails are refused before a decoder allocates anything when this says the canvas is
/// too large, and avatars are accepted only when their bytes are one of these formats (not just
/// their declared type).
/// </summary>
internal sealed record ImageHeader(string ContentType, int Width, int Height, bool Animated)
{
    public long Pixels => (long)Width * Height;

    /// <summary>The header of a PNG, GIF, JPEG or WebP image, or null when the bytes are none of these.</summary>
    public static ImageHeader? TryRead(ReadOnlySpan<byte> data)
    {
        try
        {
            return Png(data) ?? Gif(data) ?? Jpeg(data) ?? Webp(data);
        }
        catch (Exception ex) when (ex is ArgumentOutOfRangeException or IndexOutOfRangeException)
        {
            // A truncated header: not an image we accept.
            return null;
        }
    }

    private static ImageHeader? Png(ReadOnlySpan<byte> d)
    {
        ReadOnlySpan<byte> signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        if (!d.StartsWith(signature) || !d.Slice(12, 4).SequenceEqual("IHDR"u8))
        {
            return null;
        }
        var width = BinaryPrimitives.ReadInt32BigEndian(d.Slice(16, 4));
        var height = BinaryPrimitives.ReadInt32BigEndian(d.Slice(20, 4));
        // An APNG announces itself with an acTL chunk before the first IDAT.
        var animated = d.IndexOf("acTL"u8) is var actl and >= 0 && (d.IndexOf("IDAT"u8) is var idat && (idat < 0 || actl < idat));
        return Valid("image/png", width, height, animated);
    }

    private static ImageHeader? Gif(ReadOnlySpan<byte> d)
    {
        if (!d.StartsWith("GIF87a"u8) && !d.StartsWith("GIF89a"u8))
        {
            return null;
        }
        // The logical screen (canvas); frames are drawn inside it, so its size bounds one decoded frame.
        var width = BinaryPrimitives.ReadUInt16LittleEndian(d.Slice(6, 2));
        var height = BinaryPrimitives.ReadUInt16LittleEndian(d.Slice(8, 2));
        return Valid("image/gif", width, height, animated: d.IndexOf("NETSCAPE2.0"u8) >= 0);
    }

    private static ImageHeader? Jpeg(ReadOnlySpan<byte> d)
    {
        if (d.Length < 4 || d[0] != 0xFF || d[1] != 0xD8)
        {
            return null;
        }
        var i = 2;
        while (i + 9 < d.Length)
        {
            if (d[i] != 0xFF)
            {
                return null;
            }
            var marker = d[i + 1];
            if (marker == 0xFF)
            {
                i++;
                continue;
            }
            var length = BinaryPrimitives.ReadUInt16BigEndian(d.Slice(i + 2, 2));
            // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                var height = BinaryPrimitives.ReadUInt16BigEndian(d.Slice(i + 5, 2));
                var width = BinaryPrimitives.ReadUInt16BigEndian(d.Slice(i + 7, 2));
                return Valid("image/jpeg", width, height, animated: false);
            }
            if (length < 2)
            {
                return null;
            }
            i += 2 + length;
        }
        return null;
    }

    private static ImageHeader? Webp(ReadOnlySpan<byte> d)
    {
        if (!d.StartsWith("RIFF"u8) || !d.Slice(8, 4).SequenceEqual("WEBP"u8))
        {
            return null;
        }
        var chunk = d.Slice(12, 4);
        var body = d[20..];
        if (chunk.SequenceEqual("VP8X"u8))
        {
            var animated = (body[0] & 0x02) != 0;
            var width = 1 + (body[4] | body[5] << 8 | body[6] << 16);
            var height = 1 + (body[7] | body[8] << 8 | body[9] << 16);
            return Valid("image/webp", width, height, animated);
        }
        if (chunk.SequenceEqual("VP8 "u8))
        {
            if (body[3] != 0x9D || body[4] != 0x01 || body[5] != 0x2A)
            {
                return null;
            }
            return Valid("image/webp", BinaryPrimitives.ReadUInt16LittleEndian(body.Slice(6, 2)) & 0x3FFF,
                BinaryPrimitives.ReadUInt16LittleEndian(body.Slice(8, 2)) & 0x3FFF, animated: false);
        }
        if (chunk.SequenceEqual("VP8L"u8))
        {
            if (body[0] != 0x2F)
            {
                return null;
            }
            var bits = BinaryPrimitives.ReadUInt32LittleEndian(body.Slice(1, 4));
            return Valid("image/webp", (int)(bits & 0x3FFF) + 1, (int)((bits >> 14) & 0x3FFF) + 1, animated: false);
        }
        return null;
    }

    private static ImageHeader? Valid(string type, int width, int height, bool animated) =>
        width > 0 && height > 0 ? new ImageHeader(type, width, height, animated) : null;
}
