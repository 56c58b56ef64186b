using Microsoft.AspNetCore.Mvc;

namespace D3Chat.Core.Http;

/// <summary>Parses UUIDs that arrive in a route; a malformed one is the spec's 422 (api.md §0).</summary>
public static class RouteIds
{
    /// <summary>True with the id, or false with the 422 result naming the path parameter.</summary>
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
