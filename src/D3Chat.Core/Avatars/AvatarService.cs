using D3Chat.Core.Auth;
using D3Chat.Core.Http;
using D3Chat.Core.Users;
using Microsoft.AspNetCore.Http;

namespace D3Chat.Core.Avatars;

/// <summary>Avatar upload, removal and public download (spec api.md §4, §9).</summary>
public sealed class AvatarService(UserStore users, AvatarStorage storage, TimeProvider time)
{
    /// <summary>2 MiB, the reference's <c>MAX_AVATAR_SIZE_BYTES</c>.</summary>
    public const long MaxBytes = 2 * 1024 * 1024;


    private static readonly Dictionary<string, string> Extensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ["image/jpeg"] = "jpg",
        ["image/png"] = "png",
        ["image/webp"] = "webp",
        ["image/gif"] = "gif",
    };

    /// <summary>Stores the uploaded image as <c>{user_id}.{ext}</c>, replacing any previous avatar.</summary>
    public async Task<Outcome<UserResponse>> UploadAsync(CurrentUser caller, IFormFile file, CancellationToken ct)
    {
        if (!Extensions.TryGetValue(file.ContentType ?? "", out var extension))
        {
            return Problem.AvatarTypeNotAllowed;
        }
        if (file.Length > MaxBytes)
        {
            return Problem.AvatarTooLarge;
        }
        // The declared type is the client's word; the bytes must be that image format (no HTML or SVG as an avatar).
        using var bytes = new MemoryStream((int)file.Length);
        await using (var content = file.OpenReadStream())
        {
            await content.CopyToAsync(bytes, ct);
        }
        if (Images.ImageHeader.TryRead(bytes.GetBuffer().AsSpan(0, (int)bytes.Length)) is not { } header
            || !string.Equals(header.ContentType, file.ContentType, StringComparison.OrdinalIgnoreCase))
        {
            return Problem.NotAnImage;
        }
        var previous = (await users.FindByIdAsync(caller.Id, ct))?.AvatarPath;
        var blobName = $"{caller.Id:D}.{extension}";
        bytes.Position = 0;
        await storage.UploadAsync(blobName, bytes, header.ContentType, ct);
        var user = await users.SetAvatarPathAsync(caller.Id, blobName, time.GetUtcNow(), ct);
        if (user is null)
        {
            await storage.DeleteAsync(blobName, ct);
            return Problem.UserNotFound;
        }
        if (previous is not null && previous != blobName)
        {
            await storage.DeleteAsync(previous, ct);
        }
        return UserResponse.From(user);
    }

    public async Task<Outcome<UserResponse>> DeleteAsync(CurrentUser caller, CancellationToken ct)
    {
        var previous = (await users.FindByIdAsync(caller.Id, ct))?.AvatarPath;
        var user = await users.SetAvatarPathAsync(caller.Id, null, time.GetUtcNow(), ct);
        if (user is null)
        {
            return Problem.UserNotFound;
        }
        if (previous is not null)
        {
            await storage.DeleteAsync(previous, ct);
        }
        return UserResponse.From(user);
    }

    /// <summary>The avatar image of any user (public), or 404 <c>Avatar not found</c>.</summary>
    public async Task<Outcome<FileDownload>> OpenAsync(Guid userId, CancellationToken ct)
    {
        if ((await users.FindByIdAsync(userId, ct))?.AvatarPath is not { } blobName
            || await storage.OpenAsync(blobName, ct) is not { } blob)
        {
            return Problem.AvatarNotFound;
        }
        return new FileDownload(blob.Content, blob.ContentType);
    }
}
