using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace D3Chat.Functions.Api.Meta;

public sealed class OpenApiFunctions
{
    /// <summary>docs/openapi.json, embedded at build time, so what is served is what is documented and tested.</summary>
    private static readonly Lazy<string> Document = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("openapi.json")
            ?? throw new InvalidOperationException("openapi.json is not embedded in the api assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    /// <summary>The OpenAPI 3.1 description of every HTTP route of the three apps.</summary>
    [Function(nameof(OpenApiDocument))]
    public IActionResult OpenApiDocument(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/openapi.json")] HttpRequest req) =>
        new ContentResult { Content = Document.Value, ContentType = "application/json", StatusCode = StatusCodes.Status200OK };
}
