using D3Chat.Core.Health;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace D3Chat.Functions.Federation.Health;

public sealed class FederationHealthFunctions(HealthProbe probe)
{
    /// <summary>This app's own health and transport (Front Door probes <c>/federation/health</c>).</summary>
    [Function(nameof(FederationHealth))]
    public async Task<IActionResult> FederationHealth(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "federation/health")] HttpRequest req, CancellationToken ct) =>
        HealthResults.From(await probe.CheckAsync(ct));
}
