using System.Text.Json.Nodes;

namespace D3Chat.Infra.Tests;

/// <summary>A template plus the parameter values its deployment passes in (none for the root).</summary>
internal sealed class TemplateScope(JsonObject template, JsonObject? passedParameters, TemplateScope? parent)
{
    public JsonObject Template => template;

    public JsonNode? Variable(string name) =>
        template["variables"] is JsonObject variables && variables.TryGetPropertyValue(name, out var value)
            ? value
            : throw new KeyNotFoundException($"Template has no variable '{name}'.");

    /// <summary>The value passed for a parameter (evaluated in the caller's scope) or its default.</summary>
    public (JsonNode? Value, TemplateScope Scope) Parameter(string name) =>
        TryParameter(name, out var value, out var scope)
            ? (value, scope)
            : throw new KeyNotFoundException($"Parameter '{name}' is neither passed nor defaulted.");

    public bool TryParameter(string name, out JsonNode? value, out TemplateScope scope)
    {
        if (passedParameters?[name] is JsonObject passed && passed.TryGetPropertyValue("value", out value) && parent is not null)
        {
            scope = parent;
            return true;
        }
        if (template["parameters"]?[name] is JsonObject declared && declared.TryGetPropertyValue("defaultValue", out value))
        {
            scope = this;
            return true;
        }
        value = null;
        scope = this;
        return false;
    }
}

/// <summary>An object member whose value is kept unevaluated, with the scope to evaluate it in.</summary>
internal sealed record TemplateValue(JsonNode? Json, ArmNode? Expression, TemplateScope Scope);

/// <summary>
/// Just enough ARM evaluation to list the keys of object-valued expressions as Bicep compiles
/// them (object literals, <c>union</c>, <c>createObject</c>, <c>shallowMerge</c>, variables,
/// parameters passed into modules, member access). Values stay unevaluated: keys are static in
/// our templates even when values come from other resources at deployment time.
/// </summary>
internal static class ArmTemplate
{
    public static IEnumerable<JsonObject> Resources(JsonObject template) =>
        template["resources"] switch
        {
            JsonArray array => array.OfType<JsonObject>(),
            JsonObject symbolic => symbolic.Select(pair => pair.Value).OfType<JsonObject>(),
            _ => [],
        };

    public static string? TypeOf(JsonObject resource) => resource["type"]?.GetValue<string>();

    public static Dictionary<string, TemplateValue> Keys(JsonNode? node, TemplateScope scope)
    {
        switch (node)
        {
            case JsonObject obj:
                return obj.ToDictionary(pair => pair.Key, pair => new TemplateValue(pair.Value, null, scope), StringComparer.Ordinal);
            case JsonValue value when value.TryGetValue<string>(out var text) && ArmExpression.IsExpression(text):
                return Keys(ArmExpression.Parse(text), scope);
            default:
                throw new NotSupportedException($"Not an object: {node?.ToJsonString() ?? "null"}");
        }
    }

    public static Dictionary<string, TemplateValue> Keys(ArmNode node, TemplateScope scope)
    {
        switch (node)
        {
            case ArmCall { Name: "union" } call:
                return Merge(call.Arguments.Select(argument => Keys(argument, scope)));
            case ArmCall { Name: "shallowMerge", Arguments: [ArmCall { Name: "createArray" } array] }:
                return Merge(array.Arguments.Select(argument => Keys(argument, scope)));
            case ArmCall { Name: "createObject" } call:
                var result = new Dictionary<string, TemplateValue>(StringComparer.Ordinal);
                for (var i = 0; i + 1 < call.Arguments.Count; i += 2)
                {
                    if (call.Arguments[i] is not ArmString key)
                    {
                        throw new NotSupportedException($"Computed object key in {call.Text}");
                    }
                    result[key.Value] = new TemplateValue(null, call.Arguments[i + 1], scope);
                }
                return result;
            case ArmCall { Name: "variables", Arguments: [ArmString name] }:
                return Keys(scope.Variable(name.Value), scope);
            case ArmCall { Name: "parameters", Arguments: [ArmString name] }:
                var (value, valueScope) = scope.Parameter(name.Value);
                return Keys(value, valueScope);
            case ArmMember member:
                var parent = Keys(member.Target, scope);
                return parent.TryGetValue(member.Name, out var child)
                    ? Keys(child)
                    : throw new KeyNotFoundException($"No member '{member.Name}' in {member.Target.Text}");
            default:
                throw new NotSupportedException($"Cannot list the keys of: {node.Text}");
        }
    }

    public static Dictionary<string, TemplateValue> Keys(TemplateValue value) =>
        value.Expression is not null ? Keys(value.Expression, value.Scope) : Keys(value.Json, value.Scope);

    /// <summary>
    /// The value as text: a literal string as is, an expression as its ARM source after resolving
    /// variables, parameters and member access of objects (so a Key Vault reference shows its format).
    /// </summary>
    public static string Text(TemplateValue value)
    {
        switch (value.Expression)
        {
            case ArmMember member:
                try
                {
                    var parent = Keys(member.Target, value.Scope);
                    return parent.TryGetValue(member.Name, out var child) ? Text(child) : member.Text;
                }
                catch (NotSupportedException)
                {
                    return member.Text;
                }
            case ArmCall { Name: "variables", Arguments: [ArmString name] }:
                return Text(new TemplateValue(value.Scope.Variable(name.Value), null, value.Scope));
            case ArmCall { Name: "parameters", Arguments: [ArmString name] } call:
                // A root parameter without default is supplied at deployment; show the expression.
                if (!value.Scope.TryParameter(name.Value, out var passed, out var passedScope))
                {
                    return call.Text;
                }
                return Text(new TemplateValue(passed, null, passedScope));
            case ArmCall call when call.Name.Contains('.', StringComparison.Ordinal):
                // User-defined function (Bicep `func`): show its body, then the call.
                return UserFunctionBody(call.Name, value.Scope) is { } body ? $"{body} <- {call.Text}" : call.Text;
            case ArmString literal:
                return literal.Value;
            case not null:
                return value.Expression.Text;
        }
        return value.Json switch
        {
            JsonValue json when json.TryGetValue<string>(out var text) =>
                ArmExpression.IsExpression(text) ? Text(new TemplateValue(null, ArmExpression.Parse(text), value.Scope)) : text,
            null => "null",
            _ => value.Json.ToJsonString(),
        };
    }

    /// <summary>The output expression of a user-defined function <c>namespace.name</c> of the template.</summary>
    private static string? UserFunctionBody(string qualifiedName, TemplateScope scope)
    {
        var dot = qualifiedName.IndexOf('.', StringComparison.Ordinal);
        var (ns, name) = (qualifiedName[..dot], qualifiedName[(dot + 1)..]);
        return scope.Template["functions"] is JsonArray namespaces
            ? namespaces.OfType<JsonObject>()
                .Where(n => n["namespace"]?.GetValue<string>() == ns)
                .Select(n => n["members"]?[name]?["output"]?["value"]?.ToString())
                .FirstOrDefault(body => body is not null)
            : null;
    }

    private static Dictionary<string, TemplateValue> Merge(IEnumerable<Dictionary<string, TemplateValue>> parts)
    {
        var merged = new Dictionary<string, TemplateValue>(StringComparer.Ordinal);
        foreach (var part in parts)
        {
            foreach (var (key, value) in part)
            {
                merged[key] = value;
            }
        }
        return merged;
    }
}
