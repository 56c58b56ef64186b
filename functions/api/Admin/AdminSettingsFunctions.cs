using D3Chat.Core.Audit;
using D3Chat.Core.Settings;

namespace D3Chat.Functions.Api.Admin;

/// <summary>Settings and audit-log routes of spec api.md §10; settings writes are superadmin-only.</summary>
public sealed class AdminSettingsFunctions(SettingsService settings, AuditLogStore auditLogs, RequestGate gate)
{
    [Function(nameof(AdminListAuditLogs))]
    public Task<IActionResult> AdminListAuditLogs(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/admin/audit-logs")] HttpRequest req, CancellationToken ct) =>
        gate.Run(req, Access.Admin, ct).Query(AuditLogFilter.Read)
            .Ok((_, filter) => Outcome.Of(auditLogs.ListAsync(filter, ct)));

    [Function(nameof(AdminListSettings))]
    public Task<IActionResult> AdminListSettings(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/admin/settings")] HttpRequest req, CancellationToken ct) =>
        gate.Run(req, Access.Admin, ct).Ok(_ => Outcome.Of(settings.ListAsync(ct)));

    [Function(nameof(AdminGetSetting))]
    public Task<IActionResult> AdminGetSetting(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/admin/settings/{key}")] HttpRequest req, string key, CancellationToken ct) =>
        gate.Run(req, Access.Admin, ct).Ok(_ => settings.GetAsync(key, ct));

    [Function(nameof(AdminUpdateSetting))]
    public Task<IActionResult> AdminUpdateSetting(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "api/v1/admin/settings/{key}")] HttpRequest req, string key, CancellationToken ct) =>
        gate.Run(req, Access.Superadmin, ct).Body<UpdateSettingRequest>()
            .Ok((call, body) => settings.UpdateAsync(call.Actor, key, body, ct));

    [Function(nameof(AdminCreateSetting))]
    public Task<IActionResult> AdminCreateSetting(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/admin/settings")] HttpRequest req, CancellationToken ct) =>
        gate.Run(req, Access.Superadmin, ct).Body<CreateSettingRequest>()
            .Created((call, body) => settings.CreateAsync(call.Actor, body, ct));
}
