using System.Net;
using D3Chat.Client;
using D3Chat.Integration.Tests.Infrastructure;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace D3Chat.Integration.Tests.Messaging;

[Collection(ServerCollections.Messaging)]
public sealed class AttachmentTests(ServerFixture fixture)
{
    private readonly D3ChatServer _server = fixture.Server;

    private async Task<(TestUser Owner, ChannelResponse Channel)> ChannelAsync()
    {
        var owner = await TestUser.NewAsync(_server);
        return (owner, await owner.Client.CreateChannelAsync("files"));
    }

    /// <summary>A client without any bearer token: links must work on their own.</summary>
    private HttpClient Anonymous() => new() { BaseAddress = _server.Host.BaseAddress };

    [Fact]
    public async Task Upload_Member_Is201AndTheSignedLinkDownloadsTheSameBytes()
    {
        var (owner, channel) = await ChannelAsync();
        var bytes = Guid.NewGuid().ToByteArray().Concat(new byte[5000]).ToArray();

        var uploaded = await owner.Client.UploadAttachmentAsync(channel.Id, bytes, "cipher.bin", "application/octet-stream");
        var link = await owner.Client.CreateAttachmentLinkAsync(uploaded.Id);

        Assert.Equal(("cipher.bin", "application/octet-stream", bytes.Length), (uploaded.Filename, uploaded.ContentType, uploaded.SizeBytes));
        Assert.Equal($"/api/v1/attachments/{uploaded.Id}/download", uploaded.Url);
        Assert.Null(uploaded.ThumbnailUrl);
        Assert.Null(uploaded.MessageId);
        Assert.StartsWith(uploaded.Url + "?token=", link.Url, StringComparison.Ordinal);
        Assert.DoesNotContain(owner.Client.AccessToken!, link.Url, StringComparison.Ordinal);
        Assert.InRange(link.ExpiresAt, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddMinutes(10));
        using var http = Anonymous();
        using var download = await http.GetAsync(link.Url);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(bytes, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("cipher.bin", download.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal(D3Chat.Core.Http.UntrustedFileResult.ContentSecurityPolicy, download.Headers.GetValues("Content-Security-Policy").Single());
        using var thumbnail = await http.GetAsync(link.Url.Replace("/download?", "/thumbnail?", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, thumbnail.StatusCode);
    }

    [Fact]
    public async Task Upload_PngImage_HasDimensionsAndAWebpThumbnailWithinTheBox()
    {
        var (owner, channel) = await ChannelAsync();
        using var image = new Image<Rgba32>(400, 300, new Rgba32(10, 120, 200));
        using var png = new MemoryStream();
        await image.SaveAsPngAsync(png);

        var uploaded = await owner.Client.UploadAttachmentAsync(channel.Id, png.ToArray(), "photo.png", "image/png");
        var link = await owner.Client.CreateAttachmentLinkAsync(uploaded.Id);

        Assert.Equal((400, 300), (uploaded.Width, uploaded.Height));
        Assert.Equal($"/api/v1/attachments/{uploaded.Id}/thumbnail", uploaded.ThumbnailUrl);
        using var http = Anonymous();
        using var thumbnail = await http.GetAsync(link.ThumbnailUrl);
        Assert.Equal(HttpStatusCode.OK, thumbnail.StatusCode);
        Assert.Equal("image/webp", thumbnail.Content.Headers.ContentType?.MediaType);
        using var decoded = Image.Load(await thumbnail.Content.ReadAsByteArrayAsync());
        Assert.Equal((200, 150), (decoded.Width, decoded.Height));
    }

    [Fact]
    public async Task Upload_CraftedAnimatedImages_Are201WithOneFrameThumbnailOrNone()
    {
        // Issue 12 item 3: a 3 kB GIF of 150 frames on a 2000×2000 canvas once took 2.3 GB to thumbnail.
        var (owner, channel) = await ChannelAsync();
        var gif = D3Chat.Core.Tests.Images.CraftedImages.AnimatedGif(2000, 2000, 150);
        var webp = D3Chat.Core.Tests.Images.CraftedImages.AnimatedWebp(2000, 2000, 150);

        var gifUpload = await owner.Client.UploadAttachmentAsync(channel.Id, gif, "bomb.gif", "image/gif");
        var webpUpload = await owner.Client.UploadAttachmentAsync(channel.Id, webp, "bomb.webp", "image/webp");

        Assert.Equal((2000, 2000), (gifUpload.Width, gifUpload.Height));
        Assert.Equal($"/api/v1/attachments/{gifUpload.Id}/thumbnail", gifUpload.ThumbnailUrl);
        Assert.Equal((null, null, null), (webpUpload.Width, webpUpload.Height, webpUpload.ThumbnailUrl));
        var link = await owner.Client.CreateAttachmentLinkAsync(gifUpload.Id);
        using var http = Anonymous();
        using var thumbnail = await http.GetAsync(link.ThumbnailUrl);
        using var decoded = Image.Load(await thumbnail.Content.ReadAsByteArrayAsync());
        Assert.Equal((1, 200, 200), (decoded.Frames.Count, decoded.Width, decoded.Height));
    }

    [Fact]
    public async Task Upload_NonMemberTooLargeOrWithoutFile_Is403Or413Or422()
    {
        var (owner, channel) = await ChannelAsync();
        var stranger = await TestUser.NewAsync(_server);

        await Expect.FailsAsync(() => stranger.Client.UploadAttachmentAsync(channel.Id, [1, 2, 3], "a.bin", "application/octet-stream"),
            HttpStatusCode.Forbidden, "Not a member of this channel");
        await Expect.FailsAsync(() => owner.Client.UploadAttachmentAsync(channel.Id, new byte[10 * 1024 * 1024 + 1], "big.bin", "application/octet-stream"),
            HttpStatusCode.RequestEntityTooLarge, "File too large. Maximum size is 10MB");
        using var empty = new MultipartFormDataContent { { new StringContent("x"), "other" } };
        Assert.Equal(HttpStatusCode.UnprocessableEntity, await Expect.StatusAsync(owner.Client, HttpMethod.Post, $"/api/v1/channels/{channel.Id}/attachments", empty));
        Assert.Equal(HttpStatusCode.Unauthorized, await Expect.StatusAsync(_server.CreateClient(), HttpMethod.Post, $"/api/v1/channels/{channel.Id}/attachments", new MultipartFormDataContent()));
    }

    [Fact]
    public async Task Download_WithoutBadForeignOrAccessToken_Is401()
    {
        var (owner, channel) = await ChannelAsync();
        var first = await owner.Client.UploadAttachmentAsync(channel.Id, [1], "a.bin", "application/octet-stream");
        var second = await owner.Client.UploadAttachmentAsync(channel.Id, [2], "b.bin", "application/octet-stream");
        var secondLink = await owner.Client.CreateAttachmentLinkAsync(second.Id);
        var secondToken = secondLink.Url[(secondLink.Url.IndexOf("token=", StringComparison.Ordinal) + 6)..];
        using var http = Anonymous();

        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(first.Url)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync($"{first.Url}?token=forged.token")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync($"{first.Url}?token={secondToken}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync($"{first.Url}?token={owner.Client.AccessToken}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(secondLink.Url)).StatusCode);
    }

    [Fact]
    public async Task Link_UnknownOrNonMember_Is404Or403_AndALeaverCannotUseAnIssuedLink()
    {
        var (owner, channel) = await ChannelAsync();
        var member = await TestUser.NewAsync(_server);
        var stranger = await TestUser.NewAsync(_server);
        await member.Client.JoinChannelAsync(channel.Id);
        var uploaded = await owner.Client.UploadAttachmentAsync(channel.Id, [1, 2], "a.bin", "application/octet-stream");

        await Expect.FailsAsync(() => owner.Client.CreateAttachmentLinkAsync(Guid.NewGuid()), HttpStatusCode.NotFound, "Attachment not found");
        await Expect.FailsAsync(() => stranger.Client.CreateAttachmentLinkAsync(uploaded.Id), HttpStatusCode.Forbidden, "Not a member of this channel");
        var link = await member.Client.CreateAttachmentLinkAsync(uploaded.Id);
        await member.Client.LeaveChannelAsync(channel.Id);

        using var http = Anonymous();
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync(link.Url)).StatusCode);
    }

    [Fact]
    public async Task SendMessage_WithAttachmentIds_LinksOwnPendingUploadsAndShowsSnippets()
    {
        var (owner, channel) = await ChannelAsync();
        var member = await TestUser.NewAsync(_server);
        await member.Client.JoinChannelAsync(channel.Id);
        var mine = await owner.Client.UploadAttachmentAsync(channel.Id, [1, 2, 3], "mine.bin", "application/octet-stream");
        var theirs = await member.Client.UploadAttachmentAsync(channel.Id, [4], "theirs.bin", "application/octet-stream");

        var message = await owner.SendOpaqueAsync(channel.Id, attachmentIds: [mine.Id, theirs.Id, Guid.NewGuid()]);
        var again = await owner.SendOpaqueAsync(channel.Id, attachmentIds: [mine.Id]);

        var snippet = Assert.Single(message.Attachments);
        Assert.Equal(new AttachmentSnippet(mine.Id, "mine.bin", "application/octet-stream", 3, mine.Url, null, null, null), snippet);
        Assert.Empty(again.Attachments);
        var page = await owner.Client.GetMessagesAsync(channel.Id);
        Assert.Equal(snippet, Assert.Single(page.Messages.Single(m => m.Id == message.Id).Attachments));
    }
}
