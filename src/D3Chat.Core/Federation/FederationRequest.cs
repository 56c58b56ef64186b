using D3Chat.Core.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace D3Chat.Core.Federation;

/// <summary>Reads the raw body of a federation request: the signature covers these exact bytes.</summary>
internal static class FederationRequest
{
    /// <summary>The body bytes, or a 413 when larger than <see cref="RequestBody.MaxBytes"/>.</summary>
    public static async Task<(byte[]? Body, IActionResult? Error)> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > RequestBody.MaxBytes)
        {
            return (null, ApiResults.From(Problem.BodyTooLarge));
        }
        var body = await RequestBody.ReadLimitedAsync(request.Body, RequestBody.MaxBytes, ct);
        return body is null ? (null, ApiResults.From(Problem.BodyTooLarge)) : (body, null);
    }
}
