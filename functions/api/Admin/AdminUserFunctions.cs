using D3Chat.Core.Admin;

namespace D3Chat.Functions.Api.Admin;

/// <summary>User moderation routes of spec api.md §10.</summary>
public sealed class AdminUserFunctions(AdminUserService admin, RequestGate gate)
{
    [Function(nameof(AdminListUsers))]
    public Task<IActionResult> AdminListUsers(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/admin/users")] HttpRequest req, CancellationToken ct) =>
        gate.Run(req, Access.Admin, ct).Query(AdminUserFilter.Read)
            .Ok((_, filter) => Outcome.Of(admin.ListAsync(filter, ct)));

    [Function(nameof(AdminGetUser))]
    public Task<IActionResult> AdminGetUser(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/admin/users/{user_id}")] HttpRequest req, string user_id, CancellationToken ct) =>
        gate.Run(req, Access.Admin, ct).Id(user_id, "user_id").Ok((_, id) => admin.GetAsync(id, ct));

    [Function(nameof(AdminBanUser))]
    public Task<IActionResult> AdminBanUser(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/admin/users/{user_id}/ban")] HttpRequest req, string user_id, CancellationToken ct) =>
        gate.Run(req, Access.Admin, ct).Id(user_id, "user_id").Body<BanRequest>()
            .Ok((call, id, body) => admin.BanAsync(call.User, call.Actor, id, body, ct));

    [Function(nameof(AdminUnbanUser))]
    public Task<IActionResult> AdminUnbanUser(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/admin/users/{user_id}/unban")] HttpRequest req, string user_id, CancellationToken ct) =>
        gate.Run(req, Access.Admin, ct).Id(user_id, "user_id").Ok((call, id) => admin.UnbanAsync(call.Actor, id, ct));

    [Function(nameof(AdminSuspendUser))]
    public Task<IActionResult> AdminSuspendUser(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/admin/users/{user_id}/suspend")] HttpRequest req, string user_id, CancellationToken ct) =>
        gate.Run(req, Access.Admin, ct).Id(user_id, "user_id").Body<SuspendRequest>()
            .Ok((call, id, body) => admin.SuspendAsync(call.User, call.Actor, id, body, ct));

    [Function(nameof(AdminUnsuspendUser))]
    public Task<IActionResult> AdminUnsuspendUser(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/admin/users/{user_id}/unsuspend")] HttpRequest req, string user_id, CancellationToken ct) =>
        gate.Run(req, Access.Admin, ct).Id(user_id, "user_id").Ok((call, id) => admin.UnsuspendAsync(call.Actor, id, ct));

    [Function(nameof(AdminPromoteUser))]
    public Task<IActionResult> AdminPromoteUser(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/admin/users/{user_id}/promote")] HttpRequest req, string user_id, CancellationToken ct) =>
        gate.Run(req, Access.Superadmin, ct).Id(user_id, "user_id").Body<PromoteRequest>()
            .Ok((call, id, body) => admin.PromoteAsync(call.User, call.Actor, id, body, ct));

    [Function(nameof(AdminDeleteUser))]
    public Task<IActionResult> AdminDeleteUser(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "api/v1/admin/users/{user_id}")] HttpRequest req, string user_id, CancellationToken ct) =>
        gate.Run(req, Access.Superadmin, ct).Id(user_id, "user_id")
            .NoContent((call, id) => admin.DeleteAsync(call.User, call.Actor, id, ct));
}
