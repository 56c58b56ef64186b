using D3Chat.Core.PublicConfig;

namespace D3Chat.Functions.Api.Config;

/// <summary>Public branding config (spec api.md §9); no authentication.</summary>
public sealed class PublicConfigFunctions(PublicConfigService config, RequestGate gate)
{
    [Function(nameof(GetPublicConfig))]
    public Task<IActionResult> GetPublicConfig(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/config")] HttpRequest req, CancellationToken ct) =>
        gate.Run(req, Access.Anyone, ct).Ok(_ => Outcome.Of(config.GetAsync(ct)));
}
