using D3Chat.Core.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace D3Chat.Core.Health;

/// <summary>The <c>/health</c> answer every app gives (docs/ops.md): 200, or 503 naming what is down.</summary>
public static class HealthResults
{
    public static IActionResult From(HealthReport report) =>
        report.Healthy
            ? ApiResults.Ok(new { status = "ok", transport = report.Transport, checks = report.Checks })
            : ApiResults.Status(StatusCodes.Status503ServiceUnavailable, new
            {
                status = "unavailable",
                detail = $"Unavailable: {string.Join(", ", report.Down)}",
                transport = report.Transport,
                checks = report.Checks,
            });
}
