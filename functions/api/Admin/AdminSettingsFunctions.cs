using D3Chat.Core.Admin;
using D3Chat.Core.Audit;
using D3Chat.Core.Auth;
using D3Chat.Core.Http;
using D3Chat.Core.Settings;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace D3Chat.Functions.Api.Admin;

/// <summary>Settings and audit-log routes of spec api.md §10; settings writes are superadmin-only.</summary>
public sealed class AdminSettingsFunctions(SettingsService settings, AuditLogStore auditLogs, AuthGate gate, ClientAddress clients)
{
    [Function(nameof(AdminListAuditLogs))]
    public async Task<IActionResult> AdminListAuditLogs(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/admin/audit-logs")] HttpRequest req, CancellationToken ct)
    {
        var (_, denied) = await gate.AuthenticateAdminAsync(req, ct);
        if (denied is not null)
        {
            return denied;
        }
        var q = new QueryParams(req);
        var filter = new AuditLogFilter(q.String("action"), q.Uuid("admin_id"), q.String("target_type"),
            q.Int("page", 1, 1, int.MaxValue), q.Int("page_size", AdminPaging.DefaultPageSize, 1, AdminPaging.MaxPageSize));
        return q.Invalid ?? ApiResults.Ok(await auditLogs.ListAsync(filter, ct));
    }

    [Function(nameof(AdminListSettings))]
    public async Task<IActionResult> AdminListSettings(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/admin/settings")] HttpRequest req, CancellationToken ct)
    {
        var (_, denied) = await gate.AuthenticateAdminAsync(req, ct);
        return denied ?? ApiResults.Ok(await settings.ListAsync(ct));
    }

    [Function(nameof(AdminGetSetting))]
    public async Task<IActionResult> AdminGetSetting(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/admin/settings/{key}")] HttpRequest req, string key, CancellationToken ct)
    {
        var (_, denied) = await gate.AuthenticateAdminAsync(req, ct);
        return denied ?? ApiResults.From(await settings.GetAsync(key, ct));
    }

    [Function(nameof(AdminUpdateSetting))]
    public async Task<IActionResult> AdminUpdateSetting(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "api/v1/admin/settings/{key}")] HttpRequest req, string key, CancellationToken ct)
    {
        var (caller, denied) = await gate.AuthenticateAdminAsync(req, ct, superadmin: true);
        if (denied is not null)
        {
            return denied;
        }
        var (body, invalid) = await RequestBody.ReadAsync<UpdateSettingRequest>(req, ct);
        return invalid ?? ApiResults.From(await settings.UpdateAsync(Actor(caller!, req), key, body!, ct));
    }

    [Function(nameof(AdminCreateSetting))]
    public async Task<IActionResult> AdminCreateSetting(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/admin/settings")] HttpRequest req, CancellationToken ct)
    {
        var (caller, denied) = await gate.AuthenticateAdminAsync(req, ct, superadmin: true);
        if (denied is not null)
        {
            return denied;
        }
        var (body, invalid) = await RequestBody.ReadAsync<CreateSettingRequest>(req, ct);
        return invalid ?? ApiResults.From(await settings.CreateAsync(Actor(caller!, req), body!, ct), StatusCodes.Status201Created);
    }

    private AdminActor Actor(CurrentUser caller, HttpRequest req) => new(caller.Id, clients.Of(req));
}
