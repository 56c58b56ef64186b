namespace D3Chat.Core.Http;

/// <summary>
/// What every Core handler a function calls returns: a value, or the <see cref="Problem"/> (an entry of
/// the error catalog) that prevented it. Handlers that cannot fail are adapted with <see cref="Outcome.Of{T}"/>.
/// </summary>
public readonly record struct Outcome<T>
{
    private Outcome(T? value, Problem? problem)
    {
        Value = value;
        Problem = problem;
    }

    public T? Value { get; }

    public Problem? Problem { get; }

    /// <summary>Lets a caller write <c>var (value, problem) = await ...;</c>.</summary>
    public void Deconstruct(out T? value, out Problem? problem)
    {
        value = Value;
        problem = Problem;
    }

    public static implicit operator Outcome<T>(T value) => new(value, null);

    public static implicit operator Outcome<T>(Problem problem) => new(default, problem);
}

/// <summary>The value of an <see cref="Outcome{T}"/> that succeeded with nothing to return (a 204).</summary>
public readonly record struct Done
{
    public static readonly Done Value;
}

public static class Outcome
{
    /// <summary>Success with no value.</summary>
    public static Outcome<Done> Done => Http.Done.Value;

    /// <summary>A handler that cannot fail, seen as an outcome (so every route maps results the same way).</summary>
    public static async Task<Outcome<T>> Of<T>(Task<T> value) => await value;

    /// <summary>A handler with neither a value nor a failure, seen as an outcome.</summary>
    public static async Task<Outcome<Done>> Of(Task work)
    {
        await work;
        return Http.Done.Value;
    }
}
