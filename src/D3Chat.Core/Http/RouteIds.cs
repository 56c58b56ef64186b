using Microsoft.AspNetCore.Mvc;

namespace D3Chat.Core.Http;

/// <summary>Parses UUID route values; an unparsable one is the spec's 422 (§0), never a 404 or 500.</summary>
internal static class RouteIds
{
    /// <summary>True with the id, or false with the 422 result naming <c>["path", name]</c>.</summary>
    public static bool TryParse(string? raw, string name, out Guid id, out IActionResult? invalid)
    {
        if (Guid.TryParse(raw, out id))
        {
            invalid = null;
            return true;
        }
        invalid = RequestBody.Invalid(new FieldError(["path", name], "Input should be a valid UUID", "uuid_parsing"));
        return false;
    }
}
