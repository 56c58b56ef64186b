using Microsoft.AspNetCore.Mvc;

namespace D3Chat.Core.Http;

/// <summary>Path UUIDs arrive as strings; one that does not parse is a 422 (spec api.md §0).</summary>
public static class RouteIds
{
    /// <summary>Parses a path UUID; on failure <paramref name="invalid"/> is the 422 result to return.</summary>
    public static bool TryParse(string? value, string name, out Guid id, out IActionResult? invalid)
    {
        if (Guid.TryParse(value, out id))
        {
            invalid = null;
            return true;
        }
        invalid = RequestBody.Invalid(new FieldError(["path", name], "Input should be a valid UUID", "uuid_parsing"));
        return false;
    }
}
