using D3Chat.Core.Admin;

namespace D3Chat.Functions.Api.Admin;

/// <summary>Channel moderation and dashboard routes of spec api.md §10.</summary>
public sealed class AdminChannelFunctions(AdminChannelService admin, RequestGate gate)
{
    [Function(nameof(AdminDashboardStats))]
    public Task<IActionResult> AdminDashboardStats(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/admin/dashboard/stats")] HttpRequest req, CancellationToken ct) =>
        gate.Run(req, Access.Admin, ct).Ok(_ => Outcome.Of(admin.StatsAsync(ct)));

    [Function(nameof(AdminDashboardAnalytics))]
    public Task<IActionResult> AdminDashboardAnalytics(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/admin/dashboard/analytics")] HttpRequest req, CancellationToken ct) =>
        gate.Run(req, Access.Admin, ct).Query(q => q.Int("days", 30, 1, 90))
            .Ok((_, days) => Outcome.Of(admin.AnalyticsAsync(days, ct)));

    [Function(nameof(AdminListChannels))]
    public Task<IActionResult> AdminListChannels(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/admin/channels")] HttpRequest req, CancellationToken ct) =>
        gate.Run(req, Access.Admin, ct).Query(AdminChannelFilter.Read)
            .Ok((_, filter) => Outcome.Of(admin.ListAsync(filter, ct)));

    [Function(nameof(AdminGetChannel))]
    public Task<IActionResult> AdminGetChannel(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/admin/channels/{channel_id}")] HttpRequest req, string channel_id, CancellationToken ct) =>
        gate.Run(req, Access.Admin, ct).Id(channel_id, "channel_id").Ok((_, id) => admin.GetAsync(id, ct));

    [Function(nameof(AdminDeleteChannel))]
    public Task<IActionResult> AdminDeleteChannel(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "api/v1/admin/channels/{channel_id}")] HttpRequest req, string channel_id, CancellationToken ct) =>
        gate.Run(req, Access.Admin, ct).Id(channel_id, "channel_id")
            .NoContent((call, id) => admin.DeleteAsync(call.Actor, id, ct));
}
