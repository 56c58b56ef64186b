using D3Chat.Core.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace D3Chat.Core.Federation;

/// <summary>Reads the raw body of a federation request: the signature covers these exact bytes.</summary>
public static class FederationRequest
{
    /// <summary>The body bytes, or a 413 when larger than <see cref="RequestBody.MaxBytes"/>.</summary>
    public static async Task<(byte[]? Body, IActionResult? Error)> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > RequestBody.MaxBytes)
        {
            return (null, ApiResults.From(Problem.BodyTooLarge));
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > RequestBody.MaxBytes)
            {
                return (null, ApiResults.From(Problem.BodyTooLarge));
            }
            buffer.Write(chunk, 0, read);
        }
        return (buffer.ToArray(), null);
    }
}
