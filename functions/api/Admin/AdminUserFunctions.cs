using D3Chat.Core.Admin;
using D3Chat.Core.Audit;
using D3Chat.Core.Auth;
using D3Chat.Core.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace D3Chat.Functions.Api.Admin;

/// <summary>User moderation routes of spec api.md §10.</summary>
public sealed class AdminUserFunctions(AdminUserService admin, AuthGate gate, ClientAddress clients)
{
    [Function(nameof(AdminListUsers))]
    public async Task<IActionResult> AdminListUsers(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/admin/users")] HttpRequest req, CancellationToken ct)
    {
        var (_, denied) = await gate.AuthenticateAdminAsync(req, ct);
        if (denied is not null)
        {
            return denied;
        }
        var q = new QueryParams(req);
        var filter = new AdminUserFilter(q.String("search"), q.String("role"), q.String("status"),
            q.Int("page", 1, 1, int.MaxValue), q.Int("page_size", AdminPaging.DefaultPageSize, 1, AdminPaging.MaxPageSize));
        return q.Invalid ?? ApiResults.Ok(await admin.ListAsync(filter, ct));
    }

    [Function(nameof(AdminGetUser))]
    public async Task<IActionResult> AdminGetUser(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/admin/users/{user_id}")] HttpRequest req, string user_id, CancellationToken ct)
    {
        var (_, denied) = await gate.AuthenticateAdminAsync(req, ct);
        if (denied is not null)
        {
            return denied;
        }
        return RouteIds.TryParse(user_id, "user_id", out var id, out var invalid) ? ApiResults.From(await admin.GetAsync(id, ct)) : invalid!;
    }

    [Function(nameof(AdminBanUser))]
    public async Task<IActionResult> AdminBanUser(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/admin/users/{user_id}/ban")] HttpRequest req, string user_id, CancellationToken ct)
    {
        var (caller, id, denied) = await gate.AuthenticateAdminAsync(req, user_id, "user_id", ct);
        if (denied is not null)
        {
            return denied;
        }
        var (body, invalid) = await RequestBody.ReadAsync<BanRequest>(req, ct);
        return invalid ?? ApiResults.From(await admin.BanAsync(caller!, Actor(caller!, req), id, body!, ct));
    }

    [Function(nameof(AdminUnbanUser))]
    public async Task<IActionResult> AdminUnbanUser(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/admin/users/{user_id}/unban")] HttpRequest req, string user_id, CancellationToken ct)
    {
        var (caller, denied) = await gate.AuthenticateAdminAsync(req, ct);
        if (denied is not null)
        {
            return denied;
        }
        return RouteIds.TryParse(user_id, "user_id", out var id, out var invalid)
            ? ApiResults.From(await admin.UnbanAsync(Actor(caller!, req), id, ct)) : invalid!;
    }

    [Function(nameof(AdminSuspendUser))]
    public async Task<IActionResult> AdminSuspendUser(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/admin/users/{user_id}/suspend")] HttpRequest req, string user_id, CancellationToken ct)
    {
        var (caller, id, denied) = await gate.AuthenticateAdminAsync(req, user_id, "user_id", ct);
        if (denied is not null)
        {
            return denied;
        }
        var (body, invalid) = await RequestBody.ReadAsync<SuspendRequest>(req, ct);
        return invalid ?? ApiResults.From(await admin.SuspendAsync(caller!, Actor(caller!, req), id, body!, ct));
    }

    [Function(nameof(AdminUnsuspendUser))]
    public async Task<IActionResult> AdminUnsuspendUser(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/admin/users/{user_id}/unsuspend")] HttpRequest req, string user_id, CancellationToken ct)
    {
        var (caller, denied) = await gate.AuthenticateAdminAsync(req, ct);
        if (denied is not null)
        {
            return denied;
        }
        return RouteIds.TryParse(user_id, "user_id", out var id, out var invalid)
            ? ApiResults.From(await admin.UnsuspendAsync(Actor(caller!, req), id, ct)) : invalid!;
    }

    [Function(nameof(AdminPromoteUser))]
    public async Task<IActionResult> AdminPromoteUser(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/admin/users/{user_id}/promote")] HttpRequest req, string user_id, CancellationToken ct)
    {
        var (caller, denied) = await gate.AuthenticateAdminAsync(req, ct, superadmin: true);
        if (denied is not null)
        {
            return denied;
        }
        if (!RouteIds.TryParse(user_id, "user_id", out var id, out var badId))
        {
            return badId!;
        }
        var (body, invalid) = await RequestBody.ReadAsync<PromoteRequest>(req, ct);
        return invalid ?? ApiResults.From(await admin.PromoteAsync(caller!, Actor(caller!, req), id, body!, ct));
    }

    [Function(nameof(AdminDeleteUser))]
    public async Task<IActionResult> AdminDeleteUser(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "api/v1/admin/users/{user_id}")] HttpRequest req, string user_id, CancellationToken ct)
    {
        var (caller, denied) = await gate.AuthenticateAdminAsync(req, ct, superadmin: true);
        if (denied is not null)
        {
            return denied;
        }
        if (!RouteIds.TryParse(user_id, "user_id", out var id, out var invalid))
        {
            return invalid!;
        }
        return await admin.DeleteAsync(caller!, Actor(caller!, req), id, ct) is { } problem ? ApiResults.From(problem) : ApiResults.NoContent();
    }

    private AdminActor Actor(CurrentUser caller, HttpRequest req) => new(caller.Id, clients.Of(req));
}
