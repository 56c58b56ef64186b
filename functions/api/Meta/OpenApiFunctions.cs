using System.Reflection;
using System.Text.Json;

namespace D3Chat.Functions.Api.Meta;

public sealed class OpenApiFunctions(RequestGate gate)
{
    /// <summary>docs/openapi.json, embedded at build time, so what is served is what is documented and tested.</summary>
    private static readonly Lazy<JsonElement> Document = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("openapi.json")
            ?? throw new InvalidOperationException("openapi.json is not embedded in the api assembly.");
        using var document = JsonDocument.Parse(stream);
        return document.RootElement.Clone();
    });

    /// <summary>The OpenAPI 3.1 description of every HTTP route of the three apps.</summary>
    [Function(nameof(OpenApiDocument))]
    public Task<IActionResult> OpenApiDocument(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/openapi.json")] HttpRequest req, CancellationToken ct) =>
        gate.Run(req, Access.Anyone, ct).Ok(_ => Task.FromResult<Outcome<JsonElement>>(Document.Value));
}
