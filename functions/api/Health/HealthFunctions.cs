using D3Chat.Core.Health;
using D3Chat.Core.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace D3Chat.Functions.Api.Health;

public sealed class HealthFunctions(HealthProbe probe)
{
    /// <summary>200 <c>{"status":"ok",...}</c>, or 503 naming each component that is down.</summary>
    [Function(nameof(Health))]
    public async Task<IActionResult> Health(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest req, CancellationToken ct)
    {
        var report = await probe.CheckAsync(ct);
        return report.Healthy
            ? ApiResults.Ok(new { status = "ok", checks = report.Checks })
            : ApiResults.Status(StatusCodes.Status503ServiceUnavailable, new
            {
                status = "unavailable",
                detail = $"Unavailable: {string.Join(", ", report.Down)}",
                checks = report.Checks,
            });
    }
}
