using D3Chat.Core.Audit;
using D3Chat.Core.Auth;
using D3Chat.Core.Http;
using D3Chat.Core.Invites;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace D3Chat.Functions.Api.Admin;

/// <summary>Invite codes for <c>registration_mode = invite_only</c> (a D3Chat addition; admin only).</summary>
public sealed class AdminInviteFunctions(InviteService invites, AuthGate gate, ClientAddress clients)
{
    [Function(nameof(AdminCreateInvite))]
    public async Task<IActionResult> AdminCreateInvite(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/admin/invites")] HttpRequest req, CancellationToken ct)
    {
        var (caller, denied) = await gate.AuthenticateAdminAsync(req, ct);
        if (denied is not null)
        {
            return denied;
        }
        var (body, invalid) = await RequestBody.ReadAsync<CreateInviteRequest>(req, ct);
        return invalid ?? ApiResults.From(await invites.CreateAsync(new AdminActor(caller!.Id, clients.Of(req)), body!, ct), StatusCodes.Status201Created);
    }

    [Function(nameof(AdminListInvites))]
    public async Task<IActionResult> AdminListInvites(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/admin/invites")] HttpRequest req, CancellationToken ct)
    {
        var (_, denied) = await gate.AuthenticateAdminAsync(req, ct);
        return denied ?? ApiResults.Ok(await invites.ListAsync(ct));
    }

    [Function(nameof(AdminRevokeInvite))]
    public async Task<IActionResult> AdminRevokeInvite(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "api/v1/admin/invites/{code}")] HttpRequest req, string code, CancellationToken ct)
    {
        var (caller, denied) = await gate.AuthenticateAdminAsync(req, ct);
        if (denied is not null)
        {
            return denied;
        }
        return await invites.RevokeAsync(new AdminActor(caller!.Id, clients.Of(req)), code, ct) is { } problem
            ? ApiResults.From(problem) : ApiResults.NoContent();
    }
}
