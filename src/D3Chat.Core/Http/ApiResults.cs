using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace D3Chat.Core.Http;

/// <summary>
/// The one place that turns outcomes into HTTP results with the spec's <c>{"detail": "..."}</c>
/// error body. Function classes call these instead of building responses themselves. Results
/// carry their own serializer options, so the wire format does not depend on the host's MVC setup.
/// </summary>
public static class ApiResults
{
    /// <summary>The wire JSON style of the spec: snake_case names, ISO-8601 times.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static IActionResult Ok(object body) => Status(StatusCodes.Status200OK, body);

    public static IActionResult Created(object body) => Status(StatusCodes.Status201Created, body);

    public static IActionResult NoContent() => new StatusCodeResult(StatusCodes.Status204NoContent);

    public static IActionResult Status(int status, object body) => new JsonResult(body, Json) { StatusCode = status };

    public static IActionResult From(Problem problem)
    {
        var result = Status(problem.Status, new ErrorBody(problem.Detail));
        return problem.RetryAfterSeconds is { } seconds ? new RetryAfterResult(result, seconds) : result;
    }

    /// <summary>The value with <paramref name="successStatus"/>, or the problem's status and detail.</summary>
    public static IActionResult From<T>(Outcome<T> outcome, int successStatus = StatusCodes.Status200OK) =>
        outcome.Problem is { } problem ? From(problem)
        : successStatus == StatusCodes.Status204NoContent ? NoContent()
        : Status(successStatus, outcome.Value!);

    /// <summary>
    /// Answers an unhandled exception with <see cref="Problem.Unhandled"/>. Every host uses it: the
    /// Functions worker middleware in Azure and the LocalHost's endpoint wrapper, so both send the
    /// same JSON 500. Written directly, so it needs no MVC services.
    /// </summary>
    public static async Task WriteUnhandledAsync(HttpContext context)
    {
        var problem = Problem.Unhandled(Problem.TraceId(context.TraceIdentifier));
        context.Response.Clear();
        context.Response.StatusCode = problem.Status;
        await context.Response.WriteAsJsonAsync(new ErrorBody(problem.Detail), Json, context.RequestAborted);
    }

    /// <summary>The problem's body plus <c>Retry-After</c>, set when the result runs (any host).</summary>
    private sealed class RetryAfterResult(IActionResult inner, int seconds) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context)
        {
            context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return inner.ExecuteResultAsync(context);
        }
    }
}

/// <summary>The spec's error body.</summary>
internal sealed record ErrorBody(string Detail);
