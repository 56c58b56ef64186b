using System.Text.RegularExpressions;

namespace D3Chat.Core.Http;

/// <summary>A request DTO that checks its own fields before any handler runs (no partial writes).</summary>
public interface IValidatable
{
    void Validate(Validator v);
}

/// <summary>One field error in the FastAPI-compatible 422 body of the spec: <c>{loc, msg, type}</c>.</summary>
public sealed record FieldError(IReadOnlyList<string> Loc, string Msg, string Type);

/// <summary>Collects field errors of a request body; the messages name the rule that failed.</summary>
public sealed class Validator
{
    private readonly List<FieldError> _errors = [];

    public IReadOnlyList<FieldError> Errors => _errors;

    public bool IsValid => _errors.Count == 0;

    public void Fail(string field, string message, string type = "value_error") =>
        _errors.Add(new FieldError(["body", field], message, type));

    /// <summary>Checks presence and length of a required string.</summary>
    public bool Required(string field, string? value, int min = 1, int max = int.MaxValue)
    {
        if (value is null)
        {
            Fail(field, "Field required", "missing");
            return false;
        }
        return Length(field, value, min, max);
    }

    /// <summary>Checks the length of an optional string when it is present.</summary>
    public bool Length(string field, string? value, int min = 0, int max = int.MaxValue)
    {
        if (value is null)
        {
            return true;
        }
        if (value.Length < min)
        {
            Fail(field, $"String should have at least {min} characters", "string_too_short");
            return false;
        }
        if (value.Length > max)
        {
            Fail(field, $"String should have at most {max} characters", "string_too_long");
            return false;
        }
        return true;
    }

    public bool Matches(string field, string? value, Regex pattern)
    {
        if (value is null || pattern.IsMatch(value))
        {
            return true;
        }
        Fail(field, $"String should match pattern '{pattern}'", "string_pattern_mismatch");
        return false;
    }
}
