namespace D3Chat.Core.Http;

/// <summary>An expected failure of a Core handler: the spec's status code and its <c>detail</c> text.</summary>
public sealed record Problem(int Status, string Detail)
{
    public static Problem BadRequest(string detail) => new(400, detail);
    public static Problem Unauthorized(string detail) => new(401, detail);
    public static Problem Forbidden(string detail) => new(403, detail);
    public static Problem NotFound(string detail) => new(404, detail);
    public static Problem Conflict(string detail) => new(409, detail);
    public static Problem Unprocessable(string detail) => new(422, detail);
}

/// <summary>What a Core handler returns: a value, or the <see cref="Problem"/> that prevented it.</summary>
public readonly record struct Outcome<T>
{
    private Outcome(T? value, Problem? problem)
    {
        Value = value;
        Problem = problem;
    }

    public T? Value { get; }

    public Problem? Problem { get; }

    public static implicit operator Outcome<T>(T value) => new(value, null);

    public static implicit operator Outcome<T>(Problem problem) => new(default, problem);
}
