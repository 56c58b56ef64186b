using System.Text.Json;
using System.Text.Json.Nodes;
using D3Chat.Integration.Tests.Infrastructure;
using Json.Schema;

namespace D3Chat.Integration.Tests.Foundation;

/// <summary>
/// docs/openapi.json (issue 16, item 5) describes exactly the HTTP routes the three apps declare in
/// their functions.metadata (both ways: no undocumented route, no documented route that does not
/// exist), every example is valid against its schema, and the api app serves the same document.
/// </summary>
[Collection(ServerCollections.Foundation)]
public sealed class OpenApiTests(ServerFixture fixture)
{
    private static readonly string DocumentPath = Path.Combine(TestEnvironment.RepoRoot, "docs", "openapi.json");
    private static readonly JsonObject Document = JsonNode.Parse(File.ReadAllText(DocumentPath))!.AsObject();

    [Fact]
    public void Document_IsOpenApi31()
    {
        Assert.Equal("3.1.0", Document["openapi"]!.GetValue<string>());
    }

    [Fact]
    public void Document_Operations_AreExactlyTheHttpRoutesOfFunctionsMetadata()
    {
        var declared = MetadataRoutes();
        var documented = Document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(op => $"{op.Key.ToUpperInvariant()} {path.Key}"))
            .ToHashSet(StringComparer.Ordinal);

        Assert.True(declared.Count > 0, "no functions.metadata found; build the function apps first");
        Assert.Empty(declared.Except(documented).Order(StringComparer.Ordinal)); // routes missing from docs/openapi.json
        Assert.Empty(documented.Except(declared).Order(StringComparer.Ordinal)); // documented routes that no function declares
    }

    [Fact]
    public void Document_OperationIds_AreTheFunctionNames()
    {
        var names = MetadataFunctionNames();
        var operationIds = Document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(op => op.Value!["operationId"]!.GetValue<string>()));

        Assert.All(operationIds, id => Assert.Contains(id, names));
    }

    [Fact]
    public void Document_Examples_AreValidAgainstTheirSchemas()
    {
        var checkedExamples = 0;
        foreach (var media in MediaTypes(Document))
        {
            if (media["schema"] is not JsonNode schemaNode || media["examples"] is not JsonObject examples)
            {
                continue;
            }
            var schema = JsonSchema.FromText(Resolve(schemaNode).ToJsonString());
            foreach (var (name, example) in examples)
            {
                using var value = JsonDocument.Parse(Resolve(example!)["value"]?.ToJsonString() ?? "null");
                var result = schema.Evaluate(value.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
                Assert.True(result.IsValid, $"example '{name}' does not match its schema: {JsonSerializer.Serialize(result)}");
                checkedExamples++;
            }
        }
        Assert.True(checkedExamples >= 10, $"only {checkedExamples} examples were checked");
    }

    [Fact]
    public async Task ApiApp_ServesTheDocument()
    {
        using var response = await fixture.Server.CreateClient().SendAsync(HttpMethod.Get, "/api/v1/openapi.json");
        var served = JsonNode.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.True(JsonNode.DeepEquals(Document, served), "the served document differs from docs/openapi.json");
    }

    /// <summary>"METHOD /route" of every httpTrigger in the three apps' functions.metadata.</summary>
    private static HashSet<string> MetadataRoutes() =>
        MetadataFunctions()
            .SelectMany(f => f.Bindings.Where(b => b["type"]!.GetValue<string>() == "httpTrigger"))
            .SelectMany(b => b["methods"]!.AsArray().Select(m => $"{m!.GetValue<string>().ToUpperInvariant()} /{b["route"]!.GetValue<string>()}"))
            .ToHashSet(StringComparer.Ordinal);

    private static HashSet<string> MetadataFunctionNames() => MetadataFunctions().Select(f => f.Name).ToHashSet(StringComparer.Ordinal);

    private static IEnumerable<(string Name, IEnumerable<JsonNode> Bindings)> MetadataFunctions() =>
        new[] { "api", "federation", "fanout" }
            .Select(app => Path.Combine(TestEnvironment.RepoRoot, "functions", app, "bin", TestEnvironment.BuildConfiguration, "net10.0", "functions.metadata"))
            .SelectMany(path => JsonNode.Parse(File.ReadAllText(path))!.AsArray())
            .Select(f => (f!["name"]!.GetValue<string>(), f["bindings"]!.AsArray().Select(b => b!)));

    /// <summary>Every media type object (request bodies, responses, shared responses) of the document.</summary>
    private static IEnumerable<JsonObject> MediaTypes(JsonNode node) => node switch
    {
        JsonObject obj when obj["content"] is JsonObject content =>
            content.Select(c => c.Value).OfType<JsonObject>().Concat(obj.SelectMany(p => p.Value is null ? [] : MediaTypes(p.Value))),
        JsonObject obj => obj.SelectMany(p => p.Value is null ? [] : MediaTypes(p.Value)),
        JsonArray array => array.SelectMany(i => i is null ? [] : MediaTypes(i)),
        _ => [],
    };

    /// <summary>A copy of the node with every local <c>$ref</c> ("#/components/...") replaced by its target.</summary>
    private static JsonNode Resolve(JsonNode node) => node switch
    {
        JsonObject obj when obj["$ref"]?.GetValue<string>() is { } reference => Resolve(Target(reference)),
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, p.Value is null ? null : Resolve(p.Value)))),
        JsonArray array => new JsonArray(array.Select(i => i is null ? null : Resolve(i)).ToArray()),
        _ => node.DeepClone(),
    };

    private static JsonNode Target(string reference)
    {
        Assert.StartsWith("#/", reference, StringComparison.Ordinal);
        JsonNode current = Document;
        foreach (var segment in reference[2..].Split('/'))
        {
            current = current[segment] ?? throw new KeyNotFoundException($"unresolved $ref {reference}");
        }
        return current;
    }
}
