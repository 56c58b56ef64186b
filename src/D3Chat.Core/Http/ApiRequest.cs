using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace D3Chat.Core.Http;

/// <summary>
/// A route's declaration after <see cref="RequestGate.Run"/>: add inputs with <see cref="Id"/>,
/// <see cref="Body{T}"/>, <see cref="Query{T}"/> or <see cref="File"/>, then end with the handler and
/// its success status (<see cref="Ok{T}"/> 200, <see cref="Created{T}"/> 201, <see cref="NoContent{T}"/>
/// 204, <see cref="Download{T}"/> a file stream).
/// </summary>
public sealed class ApiRequest
{
    private readonly RequestGate _gate;
    private readonly HttpRequest _request;
    private readonly Access _access;
    private readonly CancellationToken _ct;

    internal ApiRequest(RequestGate gate, HttpRequest request, Access access, CancellationToken ct)
    {
        _gate = gate;
        _request = request;
        _access = access;
        _ct = ct;
    }

    /// <summary>A UUID route value; an unparsable one is the spec's 422 naming <c>["path", name]</c>.</summary>
    public ApiRequest<Guid> Id(string? raw, string name) => new(this, Steps.Id(raw, name));

    /// <summary>The JSON body, validated (413, or 422 listing every field error).</summary>
    public ApiRequest<T> Body<T>() where T : class, IValidatable => new(this, Steps.Body<T>());

    /// <summary>A domain check before the inputs are read (a peer's rate limit); its <see cref="Problem"/> ends the request.</summary>
    public ApiRequest<Done> Check(Func<ApiCall, Task<Problem?>> check) => new(this, Steps.Check(check));

    /// <summary>Query parameters read through <see cref="QueryParams"/>; any failure is one 422 listing them all.</summary>
    public ApiRequest<T> Query<T>(Func<QueryParams, T> read) => new(this, Steps.Query(read));

    /// <summary>The multipart part <c>file</c>; <paramref name="tooLarge"/> when far beyond <paramref name="maxBytes"/>.</summary>
    public ApiRequest<IFormFile> File(long maxBytes, Problem tooLarge) => new(this, Steps.File(maxBytes, tooLarge));

    public Task<IActionResult> Ok<T>(Func<ApiCall, Task<Outcome<T>>> handle) => Reply(handle, Replies.Ok);

    public Task<IActionResult> Created<T>(Func<ApiCall, Task<Outcome<T>>> handle) => Reply(handle, Replies.Created);

    public Task<IActionResult> Accepted<T>(Func<ApiCall, Task<Outcome<T>>> handle) => Reply(handle, Replies.Accepted);

    public Task<IActionResult> NoContent<T>(Func<ApiCall, Task<Outcome<T>>> handle) => Reply(handle, Replies.NoContent);

    public Task<IActionResult> Download(Func<ApiCall, Task<Outcome<FileDownload>>> handle) => Reply(handle, Replies.Download);

    private Task<IActionResult> Reply<T>(Func<ApiCall, Task<Outcome<T>>> handle, Func<Outcome<T>, IActionResult> map) =>
        RunAsync(async call => map(await handle(call)));

    /// <summary>Admits the request (access level), then runs <paramref name="respond"/>; used by every stage.</summary>
    internal async Task<IActionResult> RunAsync(Func<ApiCall, Task<IActionResult>> respond)
    {
        var admitted = await _gate.AdmitAsync(_request, _access, _ct);
        return admitted.Rejected ?? await respond(admitted.Value!);
    }
}

/// <summary>A route declaration with one input.</summary>
public sealed class ApiRequest<TA>
{
    private readonly ApiRequest _root;
    private readonly Step<TA> _a;

    internal ApiRequest(ApiRequest root, Step<TA> a)
    {
        _root = root;
        _a = a;
    }

    public ApiRequest<TA, Guid> Id(string? raw, string name) => new(_root, _a, Steps.Id(raw, name));

    public ApiRequest<TA, T> Body<T>() where T : class, IValidatable => new(_root, _a, Steps.Body<T>());

    /// <summary>The body, completed from the request's headers (e.g. <c>Idempotency-Key</c>); a header error is a 422 too.</summary>
    public ApiRequest<TA, T> Body<T>(Func<T, HttpRequest, (T Value, FieldError? Error)> complete) where T : class, IValidatable =>
        new(_root, _a, Steps.Body(complete));

    public ApiRequest<TA, T> Query<T>(Func<QueryParams, T> read) => new(_root, _a, Steps.Query(read));

    public ApiRequest<TA, IFormFile> File(long maxBytes, Problem tooLarge) => new(_root, _a, Steps.File(maxBytes, tooLarge));

    public Task<IActionResult> Ok<T>(Func<ApiCall, TA, Task<Outcome<T>>> handle) => Reply(handle, Replies.Ok);

    public Task<IActionResult> Created<T>(Func<ApiCall, TA, Task<Outcome<T>>> handle) => Reply(handle, Replies.Created);

    public Task<IActionResult> NoContent<T>(Func<ApiCall, TA, Task<Outcome<T>>> handle) => Reply(handle, Replies.NoContent);

    /// <summary>202: the work is queued, not yet done (an outbox retry).</summary>
    public Task<IActionResult> Accepted<T>(Func<ApiCall, TA, Task<Outcome<T>>> handle) => Reply(handle, Replies.Accepted);

    public Task<IActionResult> Download(Func<ApiCall, TA, Task<Outcome<FileDownload>>> handle) => Reply(handle, Replies.Download);

    private Task<IActionResult> Reply<T>(Func<ApiCall, TA, Task<Outcome<T>>> handle, Func<Outcome<T>, IActionResult> map) =>
        _root.RunAsync(async call =>
        {
            var a = await _a(call);
            return a.Rejected ?? map(await handle(call, a.Value!));
        });
}

/// <summary>A route declaration with two inputs.</summary>
public sealed class ApiRequest<TA, TB>
{
    private readonly ApiRequest _root;
    private readonly Step<TA> _a;
    private readonly Step<TB> _b;

    internal ApiRequest(ApiRequest root, Step<TA> a, Step<TB> b)
    {
        _root = root;
        _a = a;
        _b = b;
    }

    public Task<IActionResult> Ok<T>(Func<ApiCall, TA, TB, Task<Outcome<T>>> handle) => Reply(handle, Replies.Ok);

    public Task<IActionResult> Created<T>(Func<ApiCall, TA, TB, Task<Outcome<T>>> handle) => Reply(handle, Replies.Created);

    public Task<IActionResult> NoContent<T>(Func<ApiCall, TA, TB, Task<Outcome<T>>> handle) => Reply(handle, Replies.NoContent);

    private Task<IActionResult> Reply<T>(Func<ApiCall, TA, TB, Task<Outcome<T>>> handle, Func<Outcome<T>, IActionResult> map) =>
        _root.RunAsync(async call =>
        {
            var a = await _a(call);
            if (a.Rejected is not null)
            {
                return a.Rejected;
            }
            var b = await _b(call);
            return b.Rejected ?? map(await handle(call, a.Value!, b.Value!));
        });
}

/// <summary>A file a handler streams back (attachments, avatars); without a name it is sent inline.</summary>
public sealed record FileDownload(Stream Content, string ContentType, string? FileName = null);

/// <summary>How a successful outcome becomes a response, per success status.</summary>
internal static class Replies
{
    public static IActionResult Ok<T>(Outcome<T> outcome) => ApiResults.From(outcome, StatusCodes.Status200OK);

    // A replayed create (an idempotent retry) answers the first resource with 200, not 201.
    public static IActionResult Created<T>(Outcome<T> outcome) =>
        outcome.Value is IReplayable replay
            ? ApiResults.Status(replay.Replayed ? StatusCodes.Status200OK : StatusCodes.Status201Created, replay.Resource)
            : ApiResults.From(outcome, StatusCodes.Status201Created);

    public static IActionResult NoContent<T>(Outcome<T> outcome) => ApiResults.From(outcome, StatusCodes.Status204NoContent);

    public static IActionResult Accepted<T>(Outcome<T> outcome) => ApiResults.From(outcome, StatusCodes.Status202Accepted);

    public static IActionResult Download(Outcome<FileDownload> outcome) =>
        outcome.Problem is { } problem ? ApiResults.From(problem)
        : new UntrustedFileResult(outcome.Value!.Content, outcome.Value.ContentType) { FileDownloadName = outcome.Value.FileName ?? "" };
}

/// <summary>What a create returns when it may be an idempotent retry: the resource, and whether it already existed.</summary>
internal interface IReplayable
{
    bool Replayed { get; }

    object Resource { get; }
}
