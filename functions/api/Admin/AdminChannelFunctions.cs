using D3Chat.Core.Admin;
using D3Chat.Core.Audit;
using D3Chat.Core.Auth;
using D3Chat.Core.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace D3Chat.Functions.Api.Admin;

/// <summary>Channel moderation and dashboard routes of spec api.md §10.</summary>
public sealed class AdminChannelFunctions(AdminChannelService admin, AuthGate gate, ClientAddress clients)
{
    [Function(nameof(AdminDashboardStats))]
    public async Task<IActionResult> AdminDashboardStats(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/admin/dashboard/stats")] HttpRequest req, CancellationToken ct)
    {
        var (_, denied) = await gate.AuthenticateAdminAsync(req, ct);
        return denied ?? ApiResults.Ok(await admin.StatsAsync(ct));
    }

    [Function(nameof(AdminDashboardAnalytics))]
    public async Task<IActionResult> AdminDashboardAnalytics(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/admin/dashboard/analytics")] HttpRequest req, CancellationToken ct)
    {
        var (_, denied) = await gate.AuthenticateAdminAsync(req, ct);
        if (denied is not null)
        {
            return denied;
        }
        var q = new QueryParams(req);
        var days = q.Int("days", 30, 1, 90);
        return q.Invalid ?? ApiResults.Ok(await admin.AnalyticsAsync(days, ct));
    }

    [Function(nameof(AdminListChannels))]
    public async Task<IActionResult> AdminListChannels(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/admin/channels")] HttpRequest req, CancellationToken ct)
    {
        var (_, denied) = await gate.AuthenticateAdminAsync(req, ct);
        if (denied is not null)
        {
            return denied;
        }
        var q = new QueryParams(req);
        var filter = new AdminChannelFilter(q.String("search"), q.String("type"),
            q.Int("page", 1, 1, int.MaxValue), q.Int("page_size", AdminPaging.DefaultPageSize, 1, AdminPaging.MaxPageSize));
        return q.Invalid ?? ApiResults.Ok(await admin.ListAsync(filter, ct));
    }

    [Function(nameof(AdminGetChannel))]
    public async Task<IActionResult> AdminGetChannel(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/admin/channels/{channel_id}")] HttpRequest req, string channel_id, CancellationToken ct)
    {
        var (_, denied) = await gate.AuthenticateAdminAsync(req, ct);
        if (denied is not null)
        {
            return denied;
        }
        return RouteIds.TryParse(channel_id, "channel_id", out var id, out var invalid) ? ApiResults.From(await admin.GetAsync(id, ct)) : invalid!;
    }

    [Function(nameof(AdminDeleteChannel))]
    public async Task<IActionResult> AdminDeleteChannel(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "api/v1/admin/channels/{channel_id}")] HttpRequest req, string channel_id, CancellationToken ct)
    {
        var (caller, id, denied) = await gate.AuthenticateAdminAsync(req, channel_id, "channel_id", ct);
        if (denied is not null)
        {
            return denied;
        }
        return await admin.DeleteAsync(new AdminActor(caller!.Id, clients.Of(req)), id, ct) is { } problem
            ? ApiResults.From(problem) : ApiResults.NoContent();
    }
}
