using D3Chat.Core.Avatars;
using D3Chat.Core.Users;

namespace D3Chat.Functions.Api.Users;

/// <summary>Spec api.md §4.</summary>
public sealed class UserFunctions(UserService users, AvatarService avatars, RequestGate gate)
{
    [Function(nameof(GetMe))]
    public Task<IActionResult> GetMe(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/users/me")] HttpRequest req, CancellationToken ct) =>
        gate.Run(req, Access.User, ct).Ok(call => users.GetMeAsync(call.User, ct));

    [Function(nameof(UpdateMe))]
    public Task<IActionResult> UpdateMe(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "api/v1/users/me")] HttpRequest req, CancellationToken ct) =>
        gate.Run(req, Access.User, ct).Body<UpdateProfileRequest>()
            .Ok((call, body) => users.UpdateMeAsync(call.User, body, ct));

    [Function(nameof(ChangePassword))]
    public Task<IActionResult> ChangePassword(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/users/me/password")] HttpRequest req, CancellationToken ct) =>
        gate.Run(req, Access.User, ct).Body<ChangePasswordRequest>()
            .NoContent((call, body) => users.ChangePasswordAsync(call.User, body, ct));

    [Function(nameof(SearchUsers))]
    public Task<IActionResult> SearchUsers(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/users/search")] HttpRequest req, CancellationToken ct) =>
        gate.Run(req, Access.User, ct).Query(q => q.RequiredString("q"))
            .Ok((_, q) => Outcome.Of(users.SearchAsync(q!, ct)));

    [Function(nameof(LookupUser))]
    public Task<IActionResult> LookupUser(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/users/lookup")] HttpRequest req, CancellationToken ct) =>
        gate.Run(req, Access.User, ct).Query(q => q.RequiredString("identity", minLength: 0))
            .Ok((_, identity) => users.LookupAsync(identity!, ct));

    [Function(nameof(GetUser))]
    public Task<IActionResult> GetUser(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/users/{user_id}")] HttpRequest req, string user_id, CancellationToken ct) =>
        gate.Run(req, Access.User, ct).Id(user_id, "user_id").Ok((_, id) => users.GetAsync(id, ct));

    [Function(nameof(UploadAvatar))]
    public Task<IActionResult> UploadAvatar(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/users/me/avatar")] HttpRequest req, CancellationToken ct) =>
        gate.Run(req, Access.User, ct).File(AvatarService.MaxBytes, Problem.AvatarTooLarge)
            .Ok((call, file) => avatars.UploadAsync(call.User, file, ct));

    [Function(nameof(DeleteAvatar))]
    public Task<IActionResult> DeleteAvatar(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "api/v1/users/me/avatar")] HttpRequest req, CancellationToken ct) =>
        gate.Run(req, Access.User, ct).Ok(call => avatars.DeleteAsync(call.User, ct));

    /// <summary>Public avatar download (spec api.md §9), streamed from Blob Storage.</summary>
    [Function(nameof(GetAvatar))]
    public Task<IActionResult> GetAvatar(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/avatars/{user_id}")] HttpRequest req, string user_id, CancellationToken ct) =>
        gate.Run(req, Access.Anyone, ct).Id(user_id, "user_id").Download((_, id) => avatars.OpenAsync(id, ct));
}
