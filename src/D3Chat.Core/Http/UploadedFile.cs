using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace D3Chat.Core.Http;

/// <summary>Reads the single multipart part named <c>file</c> of an upload route (spec §0).</summary>
public static class UploadedFile
{
    /// <summary>
    /// The <c>file</c> part, or a 422 when it is missing, or <paramref name="tooLarge"/> when the
    /// declared body is already far beyond <paramref name="maxBytes"/> (so it is never buffered).
    /// </summary>
    public static async Task<(IFormFile? File, IActionResult? Error)> ReadAsync(HttpRequest request, long maxBytes, IActionResult tooLarge, CancellationToken ct)
    {
        // Multipart framing adds a few hundred bytes; anything a megabyte over cannot fit.
        if (request.ContentLength > maxBytes + (1024 * 1024))
        {
            return (null, tooLarge);
        }
        if (!request.HasFormContentType)
        {
            return (null, Missing());
        }
        var form = await request.ReadFormAsync(ct);
        return form.Files.GetFile("file") is { } file ? (file, null) : (null, Missing());
    }

    private static IActionResult Missing() => RequestBody.Invalid(new FieldError(["body", "file"], "Field required", "missing"));
}
