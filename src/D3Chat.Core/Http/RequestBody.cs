using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace D3Chat.Core.Http;

/// <summary>
/// Reads and validates a JSON request body. Malformed JSON, a missing body or invalid fields give
/// the spec's 422 <c>{"detail": [{loc, msg, type}]}</c> before any handler runs.
/// </summary>
public static class RequestBody
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
        T? value;
        try
        {
            value = await JsonSerializer.DeserializeAsync<T>(request.Body, ApiResults.Json, ct);
        }
        catch (JsonException ex)
        {
            return (null, InvalidJson(ex));
        }
        return Validated(value);
    }

    /// <summary>The same for a body already read (federation routes read the bytes first, because the signature covers them).</summary>
    public static (T? Value, IActionResult? Error) Parse<T>(byte[] body) where T : class, IValidatable
    {
        try
        {
            return Validated(JsonSerializer.Deserialize<T>(body, ApiResults.Json));
        }
        catch (JsonException ex)
        {
            return (null, InvalidJson(ex));
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
