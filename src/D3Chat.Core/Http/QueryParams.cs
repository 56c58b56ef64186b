using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace D3Chat.Core.Http;

/// <summary>
/// Reads query-string parameters with the spec's validation: every failure is collected as a
/// <c>["query", name]</c> field error, and <see cref="Invalid"/> is the 422 to answer with.
/// </summary>
public sealed class QueryParams(HttpRequest request)
{
    private readonly List<FieldError> _errors = Unstorable(request);

    // Every parameter, read by the route or not, is checked once: PostgreSQL refuses NUL and lone surrogates.
    private static List<FieldError> Unstorable(HttpRequest request) =>
        [.. from parameter in request.Query
            from value in parameter.Value
            let problem = UnstorableText.Problem(value ?? "")
            where problem is not null
            select new FieldError(["query", parameter.Key], problem, "string_unstorable")];

    /// <summary>The 422 result when any parameter failed, else null.</summary>
    public IActionResult? Invalid => _errors.Count == 0 ? null : RequestBody.Invalid([.. _errors]);

    /// <summary>Every value of a parameter (repeated or not), unvalidated.</summary>
    public Microsoft.Extensions.Primitives.StringValues Values(string name) => request.Query[name];

    /// <summary>Records a failure of a parameter whose rule lives with its caller.</summary>
    public void Fail(string name, string message, string type) => _errors.Add(new FieldError(["query", name], message, type));

    /// <summary>An optional string; empty counts as absent.</summary>
    public string? String(string name) => request.Query[name].ToString() is { Length: > 0 } value ? value : null;

    /// <summary>A required string of at least <paramref name="minLength"/> characters.</summary>
    public string? RequiredString(string name, int minLength = 1)
    {
        if (!request.Query.ContainsKey(name))
        {
            _errors.Add(new FieldError(["query", name], "Field required", "missing"));
            return null;
        }
        var value = request.Query[name].ToString();
        if (value.Length < minLength)
        {
            _errors.Add(new FieldError(["query", name], $"String should have at least {minLength} characters", "string_too_short"));
            return null;
        }
        return value;
    }

    /// <summary>An integer in [min, max], or <paramref name="fallback"/> when absent.</summary>
    public int Int(string name, int fallback, int min, int max)
    {
        var raw = request.Query[name].ToString();
        if (raw.Length == 0)
        {
            return fallback;
        }
        if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            _errors.Add(new FieldError(["query", name], "Input should be a valid integer", "int_parsing"));
            return fallback;
        }
        if (value < min)
        {
            _errors.Add(new FieldError(["query", name], $"Input should be greater than or equal to {min}", "greater_than_equal"));
        }
        else if (value > max)
        {
            _errors.Add(new FieldError(["query", name], $"Input should be less than or equal to {max}", "less_than_equal"));
        }
        return value;
    }

    /// <summary>An optional UUID.</summary>
    public Guid? Uuid(string name)
    {
        var raw = String(name);
        if (raw is null)
        {
            return null;
        }
        if (Guid.TryParse(raw, out var id))
        {
            return id;
        }
        _errors.Add(new FieldError(["query", name], "Input should be a valid UUID", "uuid_parsing"));
        return null;
    }

    /// <summary>A required UUID.</summary>
    public Guid? RequiredUuid(string name)
    {
        if (String(name) is null)
        {
            _errors.Add(new FieldError(["query", name], "Field required", "missing"));
            return null;
        }
        return Uuid(name);
    }

    /// <summary>An optional ISO-8601 timestamp; one without an offset is taken as UTC, as the reference's clients send UTC.</summary>
    public DateTimeOffset? DateTime(string name)
    {
        var raw = String(name);
        if (raw is null)
        {
            return null;
        }
        if (DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            return parsed;
        }
        _errors.Add(new FieldError(["query", name], "Input should be a valid datetime", "datetime_from_date_parsing"));
        return null;
    }
}
