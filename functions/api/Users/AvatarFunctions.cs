using D3Chat.Core.Avatars;
using D3Chat.Core.Http;
using D3Chat.Core.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace D3Chat.Functions.Api.Users;

/// <summary>Public avatar download (spec api.md §9), streamed from Blob Storage.</summary>
public sealed class AvatarFunctions(AvatarService avatars, RateLimiter limiter)
{
    [Function(nameof(GetAvatar))]
    public async Task<IActionResult> GetAvatar(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/avatars/{user_id}")] HttpRequest req, string user_id, CancellationToken ct)
    {
        if (await limiter.CheckAsync(req, ct) is { } limited)
        {
            return limited;
        }
        if (!RouteIds.TryParse(user_id, "user_id", out var id, out var invalid))
        {
            return invalid!;
        }
        var outcome = await avatars.OpenAsync(id, ct);
        return outcome.Problem is { } problem ? ApiResults.From(problem) : new UntrustedFileResult(outcome.Value.Content, outcome.Value.ContentType);
    }
}
