using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace D3Chat.Core.Http;

/// <summary>
/// Reads and validates a JSON request body. Malformed JSON, a missing body or invalid fields give
/// the spec's 422 <c>{"detail": [{loc, msg, type}]}</c> before any handler runs.
/// </summary>
internal static class RequestBody
{
    /// <summary>Largest JSON body accepted; uploads use multipart routes with their own limits.</summary>
    public const int MaxBytes = 1024 * 1024;

    public static async Task<(T? Value, IActionResult? Error)> ReadAsync<T>(HttpRequest request, CancellationToken ct)
        where T : class, IValidatable
    {
        if (request.ContentLength > MaxBytes)
        {
            return (null, ApiResults.From(Problem.BodyTooLarge));
        }
        // Content-Length may be absent (chunked) or wrong: the limit is on the bytes actually read.
        var body = await ReadLimitedAsync(request.Body, MaxBytes, ct);
        return body is null ? (null, ApiResults.From(Problem.BodyTooLarge)) : Parse<T>(body);
    }

    /// <summary>At most <paramref name="maxBytes"/> bytes of <paramref name="body"/>, or null when it holds more (only one byte more is read).</summary>
    public static async Task<byte[]?> ReadLimitedAsync(Stream body, int maxBytes, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>The same for a body already read (federation routes read the bytes first, because the signature covers them).</summary>
    public static (T? Value, IActionResult? Error) Parse<T>(byte[] body) where T : class, IValidatable
    {
        try
        {
            if (UnstorableText.Find(body) is { } unstorable)
            {
                return (null, Invalid(unstorable));
            }
            return Validated(JsonSerializer.Deserialize<T>(body, ApiResults.Json));
        }
        catch (JsonException ex)
        {
            return (null, InvalidJson(ex));
        }
        catch (Exception ex) when (ex is InvalidOperationException or NotSupportedException or FormatException or OverflowException or ArgumentException)
        {
            // Lone surrogates, numbers out of a field's range and types the serializer cannot bind.
            return (null, Invalid(new FieldError(["body"], $"Invalid value: {ex.Message.Split('.')[0]}", "value_error")));
        }
    }

    private static IActionResult InvalidJson(JsonException ex) =>
        Invalid(new FieldError(["body"], $"Invalid JSON: {ex.Message.Split('.')[0]}", "json_invalid"));

    private static (T? Value, IActionResult? Error) Validated<T>(T? value) where T : class, IValidatable
    {
        if (value is null)
        {
            return (null, Invalid(new FieldError(["body"], "Field required", "missing")));
        }
        var validator = new Validator();
        value.Validate(validator);
        return validator.IsValid ? (value, null) : (null, ApiResults.Status(StatusCodes.Status422UnprocessableEntity, new { detail = validator.Errors }));
    }

    public static IActionResult Invalid(params FieldError[] errors) =>
        ApiResults.Status(StatusCodes.Status422UnprocessableEntity, new { detail = errors });
}
