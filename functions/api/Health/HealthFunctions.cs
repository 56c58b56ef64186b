using D3Chat.Core.Health;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace D3Chat.Functions.Api.Health;

public sealed class HealthFunctions(HealthProbe probe)
{
    /// <summary>200 <c>{"status":"ok","transport":...}</c>, or 503 naming each component that is down. Front Door probes it.</summary>
    [Function(nameof(Health))]
    public async Task<IActionResult> Health(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest req, CancellationToken ct) =>
        HealthResults.From(await probe.CheckAsync(ct));
}
