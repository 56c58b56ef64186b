using D3Chat.Core.Images;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.Processing;

namespace D3Chat.Core.Attachments;

/// <summary>
/// Image size and a WebP thumbnail that fits inside 200×200 at quality 80 (spec api.md §9), for
/// attachments uploaded in the clear. Encrypted uploads (the web client's) are not images to the
/// server, so they simply get none. The only place ImageSharp decodes.
/// <para>
/// The work is bounded before and during decoding, because a few kB can describe gigabytes of
/// pixels: the canvas size is read from the header (<see cref="ImageHeader"/>) and anything above
/// <see cref="MaxPixels"/> is not decoded; only the first frame of a GIF is decoded, and animated
/// WebP/APNG are not decoded at all; every buffer comes from a <see cref="BudgetedMemoryAllocator"/>
/// of <see cref="MemoryBudgetBytes"/>; one thread per image.
/// </para>
/// </summary>
internal static class Thumbnailer
{
    public const int MaxEdge = 200;
    public const int Quality = 80;

    /// <summary>Canvas pixels above which no thumbnail is made (4096×2048: a 4-byte frame is 32 MiB).</summary>
    public const long MaxPixels = 4096L * 2048;

    /// <summary>The most a single thumbnail may allocate, whatever the decoder needs (frames, JPEG components, resize).</summary>
    public const long MemoryBudgetBytes = 96L * 1024 * 1024;

    /// <summary>Frames decoded per image.</summary>
    public const int MaxFrames = 1;

    public static readonly IReadOnlySet<string> ImageTypes = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "image/jpeg", "image/png", "image/gif", "image/webp",
    };

    /// <summary>Whether the header allows decoding: a known still (or GIF) image within the pixel budget.</summary>
    public static bool MayDecode(ImageHeader header) =>
        header.Pixels <= MaxPixels && (!header.Animated || header.ContentType == "image/gif");

    /// <summary>The decoder configuration of one thumbnail: its own budgeted allocator, first GIF frame only, one thread.</summary>
    public static Configuration DecoderConfiguration(MemoryAllocator allocator)
    {
        var configuration = Configuration.Default.Clone();
        configuration.MemoryAllocator = allocator;
        configuration.MaxDegreeOfParallelism = 1;
        configuration.ImageFormatsManager.SetDecoder(GifFormat.Instance, new GifDecoder { DecodingMode = FrameDecodingMode.First });
        return configuration;
    }

    /// <summary>Width, height and the WebP thumbnail bytes, or null when the content is not a decodable image within the bounds.</summary>
    public static Task<(int Width, int Height, byte[] Webp)?> TryCreateAsync(byte[] content, CancellationToken ct) =>
        TryCreateAsync(content, new BudgetedMemoryAllocator(MemoryBudgetBytes), ct);

    /// <summary><see cref="TryCreateAsync(byte[], CancellationToken)"/> with a given allocator (tests read its peak).</summary>
    public static async Task<(int Width, int Height, byte[] Webp)?> TryCreateAsync(byte[] content, BudgetedMemoryAllocator allocator, CancellationToken ct)
    {
        if (ImageHeader.TryRead(content) is not { } header || !MayDecode(header))
        {
            return null;
        }
        try
        {
            var configuration = DecoderConfiguration(allocator);
            using var input = new MemoryStream(content, writable: false);
            using var image = await Image.LoadAsync(configuration, input, ct);
            if ((long)image.Width * image.Height > MaxPixels || image.Frames.Count > MaxFrames)
            {
                return null;
            }
            var (width, height) = (image.Width, image.Height);
            image.Mutate(x => x.Resize(new ResizeOptions { Size = new Size(MaxEdge, MaxEdge), Mode = ResizeMode.Max }));
            using var output = new MemoryStream();
            await image.SaveAsync(output, new WebpEncoder { Quality = Quality }, ct);
            return (width, height, output.ToArray());
        }
        catch (Exception ex) when (ex is ImageFormatException or NotSupportedException or InvalidDataException or ArgumentException
            or InvalidMemoryOperationException)
        {
            return null;
        }
    }
}
