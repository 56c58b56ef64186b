using D3Chat.Core.Invites;

namespace D3Chat.Functions.Api.Admin;

/// <summary>Invite codes for <c>registration_mode = invite_only</c> (a D3Chat addition; admin only).</summary>
public sealed class AdminInviteFunctions(InviteService invites, RequestGate gate)
{
    [Function(nameof(AdminCreateInvite))]
    public Task<IActionResult> AdminCreateInvite(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/admin/invites")] HttpRequest req, CancellationToken ct) =>
        gate.Run(req, Access.Admin, ct).Body<CreateInviteRequest>()
            .Created((call, body) => invites.CreateAsync(call.Actor, body, ct));

    [Function(nameof(AdminListInvites))]
    public Task<IActionResult> AdminListInvites(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/admin/invites")] HttpRequest req, CancellationToken ct) =>
        gate.Run(req, Access.Admin, ct).Ok(_ => Outcome.Of(invites.ListAsync(ct)));

    [Function(nameof(AdminRevokeInvite))]
    public Task<IActionResult> AdminRevokeInvite(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "api/v1/admin/invites/{code}")] HttpRequest req, string code, CancellationToken ct) =>
        gate.Run(req, Access.Admin, ct).NoContent(call => invites.RevokeAsync(call.Actor, code, ct));
}
