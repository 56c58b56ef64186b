using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace D3Chat.Core.Http;

/// <summary>Reads the single multipart part named <c>file</c> of an upload route (spec §0).</summary>
internal static class UploadedFile
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
        IFormCollection form;
        try
        {
            // The limit is on the bytes read as well, for chunked bodies that declare no length.
            form = await request.ReadFormAsync(new Microsoft.AspNetCore.Http.Features.FormOptions { MultipartBodyLengthLimit = maxBytes + (1024 * 1024) }, ct);
        }
        catch (InvalidDataException ex) when (ex.Message.Contains("length limit", StringComparison.OrdinalIgnoreCase))
        {
            return (null, tooLarge);
        }
        catch (Exception ex) when (ex is InvalidDataException or InvalidOperationException or IOException)
        {
            // No boundary, a truncated part, too many parts: the client's framing, not our failure.
            return (null, RequestBody.Invalid(new FieldError(["body"], $"Malformed form body: {ex.Message.Split('.')[0]}", "form_invalid")));
        }
        if (form.Files.GetFile("file") is not { } file)
        {
            return (null, Missing());
        }
        // The part's file name and type are stored as text: NUL or a lone surrogate (raw or as filename*=UTF-8''%00) is the client's error.
        return (UnstorableText.Problem(file.FileName) ?? UnstorableText.Problem(file.ContentType ?? "")) is { } unstorable
            ? (null, RequestBody.Invalid(new FieldError(["body", "file"], unstorable, "string_unstorable")))
            : (file, null);
    }

    private static IActionResult Missing() => RequestBody.Invalid(new FieldError(["body", "file"], "Field required", "missing"));
}
