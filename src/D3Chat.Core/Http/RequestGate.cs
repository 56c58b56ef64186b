using D3Chat.Core.Auth;
using D3Chat.Core.Federation;
using D3Chat.Core.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace D3Chat.Core.Http;

/// <summary>Who may call a route; the first thing each function declares.</summary>
public enum Access
{
    /// <summary>Anybody; only the global per-IP rate limit applies (spec api.md §0.2).</summary>
    Anyone,

    /// <summary>A valid bearer token of a user in good standing (§0.1), after the rate limit.</summary>
    User,

    /// <summary>As <see cref="User"/>, with role admin or superadmin.</summary>
    Admin,

    /// <summary>As <see cref="User"/>, with role superadmin.</summary>
    Superadmin,

    /// <summary>A peer server's Ed25519 signature over the raw request (federation.md §4); no rate limit.</summary>
    Server,
}

/// <summary>
/// The one request pipeline of every HTTP function (conventions §3: a helper, not worker middleware,
/// because the LocalHost calls function methods directly). A function declares its access level,
/// its route ids, query and body, and the Core handler:
/// <code>gate.Run(req, Access.User, ct).Id(channelId, "channel_id").Body&lt;T&gt;().Ok((call, id, body) =&gt; ...)</code>
/// The checks run in the spec's order (429, 401/403, then 422 for path, query and body) and the first
/// failure is the answer; the handler's <see cref="Outcome{T}"/> becomes the response through <see cref="ApiResults"/>.
/// </summary>
public sealed class RequestGate(AuthGate auth, RateLimiter limiter, FederationRequestVerifier verifier, ClientAddress clients)
{
    public ApiRequest Run(HttpRequest request, Access access, CancellationToken ct) => new(this, request, access, ct);

    internal async Task<Admitted<ApiCall>> AdmitAsync(HttpRequest request, Access access, CancellationToken ct)
    {
        if (access == Access.Server)
        {
            return await VerifyServerAsync(request, ct);
        }
        if (await limiter.CheckAsync(request, ct) is { } limited)
        {
            return Admitted<ApiCall>.Reject(limited);
        }
        if (access == Access.Anyone)
        {
            return new ApiCall(request, null, null, clients, ct);
        }
        var caller = await auth.AuthenticateAsync(request, access, ct);
        return caller.Problem is { } denied ? Admitted<ApiCall>.Reject(ApiResults.From(denied)) : new ApiCall(request, caller.Value, null, clients, ct);
    }

    // The signature covers the exact body bytes, so they are read once here and handed to the function.
    private async Task<Admitted<ApiCall>> VerifyServerAsync(HttpRequest request, CancellationToken ct)
    {
        byte[] body = [];
        if (!HttpMethods.IsGet(request.Method))
        {
            var (read, tooLarge) = await FederationRequest.ReadBodyAsync(request, ct);
            if (tooLarge is not null)
            {
                return Admitted<ApiCall>.Reject(tooLarge);
            }
            body = read!;
        }
        var verified = await verifier.VerifyAsync(request, body, ct);
        return verified.Problem is { } rejected ? Admitted<ApiCall>.Reject(ApiResults.From(rejected))
            : new ApiCall(request, null, new SignedRequest(verified.Value!, body, request.Headers[FederationHeaders.Signature].ToString()), clients, ct);
    }
}

/// <summary>A verified federation request: the peer that signed it, the bytes it signed and the signature itself.</summary>
public sealed record SignedRequest(string Origin, byte[] Body, string Signature);

/// <summary>An admitted request, as the handler of a function sees it.</summary>
public sealed class ApiCall
{
    private readonly CurrentUser? _user;
    private readonly SignedRequest? _signed;
    private readonly ClientAddress _clients;

    internal ApiCall(HttpRequest request, CurrentUser? user, SignedRequest? signed, ClientAddress clients, CancellationToken ct)
    {
        Request = request;
        _user = user;
        _signed = signed;
        _clients = clients;
        Ct = ct;
    }

    public HttpRequest Request { get; }

    public CancellationToken Ct { get; }

    /// <summary>The authenticated caller; only for routes declared with User, Admin or Superadmin access.</summary>
    public CurrentUser User => _user ?? throw new InvalidOperationException("The route declared no user access.");

    /// <summary>The verified peer request; only for routes declared with <see cref="Access.Server"/>.</summary>
    public SignedRequest Signed => _signed ?? throw new InvalidOperationException("The route declared no server access.");

    internal bool IsSigned => _signed is not null;

    /// <summary>The caller as the audit log records an admin action.</summary>
    public Audit.AdminActor Actor => new(User.Id, ClientAddress);

    /// <summary>The client's address (behind trusted proxies, the forwarded one), as the rate limits count it.</summary>
    public string ClientAddress => _clients.Of(Request);
}

/// <summary>A step's value, or the 4xx that ends the request.</summary>
internal readonly record struct Admitted<T>(T? Value, IActionResult? Rejected)
{
    public static implicit operator Admitted<T>(T value) => new(value, null);

    public static Admitted<T> Reject(IActionResult rejected) => new(default, rejected);
}

internal delegate Task<Admitted<T>> Step<T>(ApiCall call);

/// <summary>What each function declares after its access level: the inputs, read in order.</summary>
internal static class Steps
{
    public static Step<Guid> Id(string? raw, string name) => _ =>
        Task.FromResult(RouteIds.TryParse(raw, name, out var id, out var invalid) ? id : Admitted<Guid>.Reject(invalid!));

    // A signed federation request's body was read for the signature; it is parsed from those bytes.
    public static Step<T> Body<T>() where T : class, IValidatable => async call =>
    {
        var (body, invalid) = call.IsSigned ? RequestBody.Parse<T>(call.Signed.Body) : await RequestBody.ReadAsync<T>(call.Request, call.Ct);
        return invalid is not null ? Admitted<T>.Reject(invalid) : body!;
    };

    public static Step<T> Body<T>(Func<T, HttpRequest, (T Value, FieldError? Error)> complete) where T : class, IValidatable => async call =>
    {
        var body = await Body<T>()(call);
        if (body.Rejected is not null)
        {
            return body;
        }
        var (completed, invalid) = complete(body.Value!, call.Request);
        return invalid is not null ? Admitted<T>.Reject(RequestBody.Invalid(invalid)) : completed;
    };

    public static Step<Done> Check(Func<ApiCall, Task<Problem?>> check) => async call =>
        await check(call) is { } refused ? Admitted<Done>.Reject(ApiResults.From(refused)) : Done.Value;

    public static Step<T> Query<T>(Func<QueryParams, T> read) => call =>
    {
        var query = new QueryParams(call.Request);
        var value = read(query);
        return Task.FromResult(query.Invalid is { } invalid ? Admitted<T>.Reject(invalid) : value);
    };

    public static Step<IFormFile> File(long maxBytes, Problem tooLarge) => async call =>
    {
        var (file, invalid) = await UploadedFile.ReadAsync(call.Request, maxBytes, ApiResults.From(tooLarge), call.Ct);
        return invalid is not null ? Admitted<IFormFile>.Reject(invalid) : new Admitted<IFormFile>(file, null);
    };
}
