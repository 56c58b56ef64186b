using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using D3Chat.Integration.Tests.Infrastructure;

namespace D3Chat.Integration.Tests.Security;

/// <summary>One operation of docs/openapi.json: method, route template, function name, and whether it needs a bearer token.</summary>
public sealed record RouteOperation(string Method, string Template, string OperationId, bool Secured)
{
    public IReadOnlyList<string> PathParameters { get; } =
        Regex.Matches(Template, @"\{(\w+)\}").Select(m => m.Groups[1].Value).ToList();

    public bool HasBodyMethod => Method is "POST" or "PUT" or "PATCH";

    public bool IsFederation => Template.StartsWith("/federation/", StringComparison.Ordinal);

    public bool IsAdmin => Template.StartsWith("/api/v1/admin/", StringComparison.Ordinal);

    public override string ToString() => $"{Method} {Template}";
}

/// <summary>
/// The repository's route table, docs/openapi.json (OpenApiTests keeps it equal to the functions'
/// routes both ways), read as the list of operations the security suites walk.
/// </summary>
public static class RouteTable
{
    public static IReadOnlyList<RouteOperation> Read()
    {
        var document = JsonNode.Parse(File.ReadAllText(Path.Combine(TestEnvironment.RepoRoot, "docs", "openapi.json")))!;
        return document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(op => new RouteOperation(
                op.Key.ToUpperInvariant(), path.Key, op.Value!["operationId"]!.GetValue<string>(),
                op.Value["security"] is JsonArray { Count: > 0 })))
            .OrderBy(o => o.Template, StringComparer.Ordinal).ThenBy(o => o.Method, StringComparer.Ordinal)
            .ToList();
    }
}
