using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace D3Chat.Core.Http;

/// <summary>Parses query parameters; a bad value is the spec's 422 list-form error naming <c>["query", name]</c>.</summary>
public static class QueryParams
{
    public static bool TryInt(HttpRequest request, string name, int defaultValue, int min, int max, out int value, out IActionResult? invalid)
    {
        invalid = null;
        value = defaultValue;
        var raw = request.Query[name].ToString();
        if (raw.Length == 0)
        {
            return true;
        }
        if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out value))
        {
            invalid = Fail(name, "Input should be a valid integer, unable to parse string as an integer", "int_parsing");
            return false;
        }
        if (value < min)
        {
            invalid = Fail(name, $"Input should be greater than or equal to {min}", "greater_than_equal");
            return false;
        }
        if (value > max)
        {
            invalid = Fail(name, $"Input should be less than or equal to {max}", "less_than_equal");
            return false;
        }
        return true;
    }

    public static bool TryDateTime(HttpRequest request, string name, out DateTimeOffset? value, out IActionResult? invalid)
    {
        invalid = null;
        value = null;
        var raw = request.Query[name].ToString();
        if (raw.Length == 0)
        {
            return true;
        }
        // A timestamp without an offset is taken as UTC, as the reference's clients send UTC.
        if (!DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            invalid = Fail(name, "Input should be a valid datetime", "datetime_from_date_parsing");
            return false;
        }
        value = parsed;
        return true;
    }

    public static bool TryGuid(HttpRequest request, string name, bool required, out Guid? value, out IActionResult? invalid)
    {
        invalid = null;
        value = null;
        var raw = request.Query[name].ToString();
        if (raw.Length == 0)
        {
            if (required)
            {
                invalid = Fail(name, "Field required", "missing");
                return false;
            }
            return true;
        }
        if (!Guid.TryParse(raw, out var parsed))
        {
            invalid = Fail(name, "Input should be a valid UUID", "uuid_parsing");
            return false;
        }
        value = parsed;
        return true;
    }

    private static IActionResult Fail(string name, string message, string type) =>
        RequestBody.Invalid(new FieldError(["query", name], message, type));
}
