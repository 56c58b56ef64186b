using D3Chat.Core.Auth;
using D3Chat.Core.Http;
using D3Chat.Core.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace D3Chat.Functions.Api.Auth;

/// <summary>Spec api.md §3. <c>ws-ticket</c> is not built: realtime uses negotiate instead.</summary>
public sealed class AuthFunctions(AuthService auth, AuthGate gate, RateLimiter limiter)
{
    [Function(nameof(Register))]
    public async Task<IActionResult> Register(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/auth/register")] HttpRequest req, CancellationToken ct)
    {
        if (await limiter.CheckAsync(req, ct) is { } limited)
        {
            return limited;
        }
        var (body, invalid) = await RequestBody.ReadAsync<RegisterRequest>(req, ct);
        return invalid ?? ApiResults.From(await auth.RegisterAsync(body!, ct), StatusCodes.Status201Created);
    }

    [Function(nameof(Login))]
    public async Task<IActionResult> Login(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/auth/login")] HttpRequest req, CancellationToken ct)
    {
        if (await limiter.CheckAsync(req, ct) is { } limited)
        {
            return limited;
        }
        var (body, invalid) = await RequestBody.ReadAsync<LoginRequest>(req, ct);
        return invalid ?? ApiResults.From(await auth.LoginAsync(body!, ct));
    }

    [Function(nameof(Refresh))]
    public async Task<IActionResult> Refresh(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/auth/refresh")] HttpRequest req, CancellationToken ct)
    {
        if (await limiter.CheckAsync(req, ct) is { } limited)
        {
            return limited;
        }
        var (body, invalid) = await RequestBody.ReadAsync<RefreshRequest>(req, ct);
        return invalid ?? ApiResults.From(await auth.RefreshAsync(body!, ct));
    }

    [Function(nameof(Logout))]
    public async Task<IActionResult> Logout(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/auth/logout")] HttpRequest req, CancellationToken ct)
    {
        if (await limiter.CheckAsync(req, ct) is { } limited)
        {
            return limited;
        }
        var (body, invalid) = await RequestBody.ReadAsync<RefreshRequest>(req, ct);
        if (invalid is not null)
        {
            return invalid;
        }
        await auth.LogoutAsync(body!, ct);
        return ApiResults.NoContent();
    }

    [Function(nameof(LogoutAll))]
    public async Task<IActionResult> LogoutAll(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/auth/logout-all")] HttpRequest req, CancellationToken ct)
    {
        var (caller, denied) = await gate.AuthenticateAsync(req, ct);
        if (denied is not null)
        {
            return denied;
        }
        await auth.LogoutAllAsync(caller!, ct);
        return ApiResults.NoContent();
    }
}
