using D3Chat.Core.Health;

namespace D3Chat.Functions.Shared;

/// <summary>
/// The <c>/health</c> route every app serves (Front Door probes it): 200 <c>{"status":"ok","transport":...}</c>,
/// or 503 naming each component that is down. Compiled into each app; the app's <see cref="HealthRoute"/>
/// names the function and its path (attribute values must be constants of the app).
/// </summary>
public sealed class HealthFunctions(HealthProbe probe)
{
    [Function(HealthRoute.FunctionName)]
    public async Task<IActionResult> Health(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = HealthRoute.Path)] HttpRequest req, CancellationToken ct) =>
        HealthResults.From(await probe.CheckAsync(ct));
}
