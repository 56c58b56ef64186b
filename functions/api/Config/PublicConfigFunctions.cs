using D3Chat.Core.Http;
using D3Chat.Core.PublicConfig;
using D3Chat.Core.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace D3Chat.Functions.Api.Config;

/// <summary>Public branding config (spec api.md §9); no authentication.</summary>
public sealed class PublicConfigFunctions(PublicConfigService config, RateLimiter limiter)
{
    [Function(nameof(GetPublicConfig))]
    public async Task<IActionResult> GetPublicConfig(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/config")] HttpRequest req, CancellationToken ct) =>
        await limiter.CheckAsync(req, ct) ?? ApiResults.Ok(await config.GetAsync(ct));
}
