using D3Chat.Core.Attachments;
using D3Chat.Core.Images;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.PixelFormats;

namespace D3Chat.Core.Tests.Images;

/// <summary>
/// The bounds of thumbnail work (issue 12 item 3), asserted through the decoder's declared limits
/// and the allocator's peak, never through timing.
/// </summary>
public sealed class ThumbnailerBoundsTests
{
    private const long HundredMegabytes = 100L * 1024 * 1024;

    [Fact]
    public void DeclaredLimits_OneFrameAPixelBudgetAndAMemoryBudgetUnder100MB()
    {
        var gif = Thumbnailer.DecoderConfiguration(new BudgetedMemoryAllocator(1)).ImageFormatsManager.FindDecoder(GifFormat.Instance);

        Assert.Equal(1, Thumbnailer.MaxFrames);
        Assert.Equal(FrameDecodingMode.First, Assert.IsType<GifDecoder>(gif).DecodingMode);
        Assert.True(Thumbnailer.MaxPixels * 4 <= Thumbnailer.MemoryBudgetBytes);
        Assert.True(Thumbnailer.MemoryBudgetBytes < HundredMegabytes);
    }

    [Fact]
    public void Header_CraftedFilesAreReadWithoutDecoding()
    {
        Assert.Equal(new ImageHeader("image/gif", 2000, 2000, true), ImageHeader.TryRead(CraftedImages.AnimatedGif(2000, 2000, 150)));
        Assert.Equal(new ImageHeader("image/webp", 2000, 2000, true), ImageHeader.TryRead(CraftedImages.AnimatedWebp(2000, 2000, 150)));
        Assert.Equal(new ImageHeader("image/png", 30000, 30000, false), ImageHeader.TryRead(CraftedImages.PngHeader(30000, 30000)));
        Assert.Null(ImageHeader.TryRead("<svg xmlns=\"http://www.w3.org/2000/svg\"/>"u8));
        Assert.Null(ImageHeader.TryRead([0xFF, 0xD8]));
        Assert.Null(ImageHeader.TryRead("RIFF\0\0\0\0WEBPVP8X"u8));
    }

    [Fact]
    public async Task CraftedGif_150FramesOnA2000Canvas_DecodesOneFrameWithinTheBudget()
    {
        var bomb = CraftedImages.AnimatedGif(2000, 2000, 150);
        var allocator = new BudgetedMemoryAllocator(Thumbnailer.MemoryBudgetBytes);

        var thumbnail = await Thumbnailer.TryCreateAsync(bomb, allocator, CancellationToken.None);

        Assert.True(bomb.Length < 4096);
        Assert.Equal((2000, 2000), (thumbnail?.Width, thumbnail?.Height));
        Assert.InRange(allocator.PeakBytes, 1, Thumbnailer.MemoryBudgetBytes);
    }

    [Fact]
    public async Task CraftedGif_AllFramesDecoded_WouldExceedTheBudgetAndIsRefusedByTheAllocator()
    {
        // The same file through a decoder that keeps every frame (the behaviour the issue reported):
        // the budgeted allocator stops it instead of letting it take 2.3 GB.
        var configuration = Thumbnailer.DecoderConfiguration(new BudgetedMemoryAllocator(Thumbnailer.MemoryBudgetBytes));
        configuration.ImageFormatsManager.SetDecoder(GifFormat.Instance, new GifDecoder { DecodingMode = FrameDecodingMode.All });

        var refused = await Assert.ThrowsAsync<InvalidImageContentException>(
            () => Image.LoadAsync(configuration, new MemoryStream(CraftedImages.AnimatedGif(2000, 2000, 150))));

        Assert.IsType<InvalidMemoryOperationException>(refused.InnerException);
    }

    [Fact]
    public async Task AnimatedWebpAndOversizedCanvas_AreNotDecoded()
    {
        var allocator = new BudgetedMemoryAllocator(Thumbnailer.MemoryBudgetBytes);

        Assert.Null(await Thumbnailer.TryCreateAsync(CraftedImages.AnimatedWebp(2000, 2000, 150), allocator, CancellationToken.None));
        Assert.Null(await Thumbnailer.TryCreateAsync(CraftedImages.PngHeader(30000, 30000), allocator, CancellationToken.None));
        Assert.Equal(0, allocator.PeakBytes);
    }

    [Fact]
    public async Task OrdinaryPhoto_StillGetsItsThumbnail()
    {
        using var image = new Image<Rgba32>(1600, 1200, new Rgba32(10, 120, 200));
        using var jpeg = new MemoryStream();
        await image.SaveAsJpegAsync(jpeg);

        var thumbnail = await Thumbnailer.TryCreateAsync(jpeg.ToArray(), CancellationToken.None);

        Assert.Equal((1600, 1200), (thumbnail?.Width, thumbnail?.Height));
    }
}
