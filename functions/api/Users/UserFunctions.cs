using D3Chat.Core.Auth;
using D3Chat.Core.Avatars;
using D3Chat.Core.Http;
using D3Chat.Core.Users;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace D3Chat.Functions.Api.Users;

/// <summary>Spec api.md §4.</summary>
public sealed class UserFunctions(UserService users, AvatarService avatars, AuthGate gate)
{
    [Function(nameof(GetMe))]
    public async Task<IActionResult> GetMe(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/users/me")] HttpRequest req, CancellationToken ct)
    {
        var (caller, denied) = await gate.AuthenticateAsync(req, ct);
        return denied ?? ApiResults.From(await users.GetMeAsync(caller!, ct));
    }

    [Function(nameof(UpdateMe))]
    public async Task<IActionResult> UpdateMe(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "api/v1/users/me")] HttpRequest req, CancellationToken ct)
    {
        var (caller, denied) = await gate.AuthenticateAsync(req, ct);
        if (denied is not null)
        {
            return denied;
        }
        var (body, invalid) = await RequestBody.ReadAsync<UpdateProfileRequest>(req, ct);
        return invalid ?? ApiResults.From(await users.UpdateMeAsync(caller!, body!, ct));
    }

    [Function(nameof(ChangePassword))]
    public async Task<IActionResult> ChangePassword(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/users/me/password")] HttpRequest req, CancellationToken ct)
    {
        var (caller, denied) = await gate.AuthenticateAsync(req, ct);
        if (denied is not null)
        {
            return denied;
        }
        var (body, invalid) = await RequestBody.ReadAsync<ChangePasswordRequest>(req, ct);
        if (invalid is not null)
        {
            return invalid;
        }
        return await users.ChangePasswordAsync(caller!, body!, ct) is { } problem ? ApiResults.From(problem) : ApiResults.NoContent();
    }

    [Function(nameof(SearchUsers))]
    public async Task<IActionResult> SearchUsers(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/users/search")] HttpRequest req, CancellationToken ct)
    {
        var (_, denied) = await gate.AuthenticateAsync(req, ct);
        if (denied is not null)
        {
            return denied;
        }
        var query = new QueryParams(req);
        var q = query.RequiredString("q");
        return query.Invalid ?? ApiResults.Ok(await users.SearchAsync(q!, ct));
    }

    [Function(nameof(LookupUser))]
    public async Task<IActionResult> LookupUser(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/users/lookup")] HttpRequest req, CancellationToken ct)
    {
        var (_, denied) = await gate.AuthenticateAsync(req, ct);
        if (denied is not null)
        {
            return denied;
        }
        var query = new QueryParams(req);
        var identity = query.RequiredString("identity", minLength: 0);
        return query.Invalid ?? ApiResults.From(await users.LookupAsync(identity!, ct));
    }

    [Function(nameof(GetUser))]
    public async Task<IActionResult> GetUser(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/users/{user_id}")] HttpRequest req, string user_id, CancellationToken ct)
    {
        var (_, denied) = await gate.AuthenticateAsync(req, ct);
        if (denied is not null)
        {
            return denied;
        }
        return RouteIds.TryParse(user_id, "user_id", out var id, out var invalid) ? ApiResults.From(await users.GetAsync(id, ct)) : invalid!;
    }

    [Function(nameof(UploadAvatar))]
    public async Task<IActionResult> UploadAvatar(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/users/me/avatar")] HttpRequest req, CancellationToken ct)
    {
        var (caller, denied) = await gate.AuthenticateAsync(req, ct);
        if (denied is not null)
        {
            return denied;
        }
        var (file, invalid) = await UploadedFile.ReadAsync(req, AvatarService.MaxBytes,
            ApiResults.Error(StatusCodes.Status400BadRequest, "File too large. Maximum 2MB."), ct);
        return invalid ?? ApiResults.From(await avatars.UploadAsync(caller!, file!, ct));
    }

    [Function(nameof(DeleteAvatar))]
    public async Task<IActionResult> DeleteAvatar(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "api/v1/users/me/avatar")] HttpRequest req, CancellationToken ct)
    {
        var (caller, denied) = await gate.AuthenticateAsync(req, ct);
        return denied ?? ApiResults.From(await avatars.DeleteAsync(caller!, ct));
    }
}
