using D3Chat.Core.Health;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace D3Chat.Functions.Fanout.Health;

public sealed class FanoutHealthFunctions(HealthProbe probe)
{
    /// <summary>This app's own health and transport (Front Door probes <c>/fanout/health</c>; the app serves nothing else over HTTP).</summary>
    [Function(nameof(FanoutHealth))]
    public async Task<IActionResult> FanoutHealth(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "fanout/health")] HttpRequest req, CancellationToken ct) =>
        HealthResults.From(await probe.CheckAsync(ct));
}
