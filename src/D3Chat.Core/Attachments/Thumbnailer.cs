using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Processing;

namespace D3Chat.Core.Attachments;

/// <summary>
/// Image size and a WebP thumbnail that fits inside 200×200 at quality 80 (spec api.md §9), for
/// attachments uploaded in the clear. Encrypted uploads (the web client's) are not images to the
/// server, so they simply get none. The only place ImageSharp is referenced.
/// </summary>
public static class Thumbnailer
{
    public const int MaxEdge = 200;
    public const int Quality = 80;

    /// <summary>Images above this many pixels are not decoded (decompression bombs).</summary>
    public const long MaxPixels = 40_000_000;

    public static readonly IReadOnlySet<string> ImageTypes = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "image/jpeg", "image/png", "image/gif", "image/webp",
    };

    /// <summary>Width, height and the WebP thumbnail bytes, or null when the content is not a decodable image.</summary>
    public static async Task<(int Width, int Height, byte[] Webp)?> TryCreateAsync(byte[] content, CancellationToken ct)
    {
        try
        {
            using (var probe = new MemoryStream(content, writable: false))
            {
                var info = await Image.IdentifyAsync(probe, ct);
                if (info is null || (long)info.Width * info.Height > MaxPixels)
                {
                    return null;
                }
            }
            using var input = new MemoryStream(content, writable: false);
            using var image = await Image.LoadAsync(input, ct);
            var (width, height) = (image.Width, image.Height);
            image.Mutate(x => x.Resize(new ResizeOptions { Size = new Size(MaxEdge, MaxEdge), Mode = ResizeMode.Max }));
            using var output = new MemoryStream();
            await image.SaveAsync(output, new WebpEncoder { Quality = Quality }, ct);
            return (width, height, output.ToArray());
        }
        catch (Exception ex) when (ex is ImageFormatException or NotSupportedException or InvalidDataException or ArgumentException)
        {
            return null;
        }
    }
}
