using D3Chat.Core.Auth;

namespace D3Chat.Functions.Api.Auth;

/// <summary>Spec api.md §3. <c>ws-ticket</c> is not built: realtime uses negotiate instead.</summary>
public sealed class AuthFunctions(AuthService auth, RequestGate gate)
{
    [Function(nameof(Register))]
    public Task<IActionResult> Register(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/auth/register")] HttpRequest req, CancellationToken ct) =>
        gate.Run(req, Access.Anyone, ct).Body<RegisterRequest>().Created((_, body) => auth.RegisterAsync(body, ct));

    [Function(nameof(Login))]
    public Task<IActionResult> Login(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/auth/login")] HttpRequest req, CancellationToken ct) =>
        gate.Run(req, Access.Anyone, ct).Body<LoginRequest>().Ok((call, body) => auth.LoginAsync(body, call.ClientAddress, ct));

    [Function(nameof(Refresh))]
    public Task<IActionResult> Refresh(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/auth/refresh")] HttpRequest req, CancellationToken ct) =>
        gate.Run(req, Access.Anyone, ct).Body<RefreshRequest>().Ok((_, body) => auth.RefreshAsync(body, ct));

    [Function(nameof(Logout))]
    public Task<IActionResult> Logout(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/auth/logout")] HttpRequest req, CancellationToken ct) =>
        gate.Run(req, Access.Anyone, ct).Body<RefreshRequest>().NoContent((_, body) => Outcome.Of(auth.LogoutAsync(body, ct)));

    [Function(nameof(LogoutAll))]
    public Task<IActionResult> LogoutAll(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/auth/logout-all")] HttpRequest req, CancellationToken ct) =>
        gate.Run(req, Access.User, ct).NoContent(call => Outcome.Of(auth.LogoutAllAsync(call.User, ct)));
}
