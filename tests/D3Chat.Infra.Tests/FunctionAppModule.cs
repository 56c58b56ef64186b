using System.Text.Json.Nodes;

namespace D3Chat.Infra.Tests;

/// <summary>One instance of modules/functionApp.bicep in the compiled main template.</summary>
internal sealed record FunctionAppModule(
    string ServiceName,
    TemplateScope Scope,
    IReadOnlyDictionary<string, TemplateValue> AppSettings)
{
    /// <summary>The module deployments of main.json that create a Microsoft.Web/sites, keyed by serviceName.</summary>
    public static IReadOnlyDictionary<string, FunctionAppModule> All(JsonObject mainTemplate)
    {
        var root = new TemplateScope(mainTemplate, null, null);
        var apps = new Dictionary<string, FunctionAppModule>(StringComparer.Ordinal);
        foreach (var deployment in ArmTemplate.Resources(mainTemplate).Where(r => ArmTemplate.TypeOf(r) == "Microsoft.Resources/deployments"))
        {
            if (deployment["properties"]?["template"] is not JsonObject template ||
                !ArmTemplate.Resources(template).Any(r => ArmTemplate.TypeOf(r) == "Microsoft.Web/sites"))
            {
                continue;
            }
            var scope = new TemplateScope(template, deployment["properties"]?["parameters"] as JsonObject, root);
            var (serviceNameNode, serviceNameScope) = scope.Parameter("serviceName");
            var serviceName = ArmTemplate.Text(new TemplateValue(serviceNameNode, null, serviceNameScope));
            apps.Add(serviceName, new FunctionAppModule(serviceName, scope, AppSettingsOf(template, scope)));
        }
        return apps;
    }

    /// <summary>App settings from Microsoft.Web/sites/config 'appsettings' and from siteConfig.appSettings.</summary>
    private static Dictionary<string, TemplateValue> AppSettingsOf(JsonObject template, TemplateScope scope)
    {
        var settings = new Dictionary<string, TemplateValue>(StringComparer.Ordinal);
        foreach (var resource in ArmTemplate.Resources(template))
        {
            var type = ArmTemplate.TypeOf(resource);
            if (type == "Microsoft.Web/sites/config" &&
                resource["name"]?.GetValue<string>().Contains("appsettings", StringComparison.OrdinalIgnoreCase) == true)
            {
                foreach (var (key, value) in ArmTemplate.Keys(resource["properties"], scope))
                {
                    settings[key] = value;
                }
            }
            else if (type == "Microsoft.Web/sites" && resource["properties"]?["siteConfig"]?["appSettings"] is JsonArray pairs)
            {
                foreach (var pair in pairs.OfType<JsonObject>())
                {
                    if (pair["name"]?.GetValue<string>() is { } name && !ArmExpression.IsExpression(name))
                    {
                        settings[name] = new TemplateValue(pair["value"], null, scope);
                    }
                }
            }
        }
        return settings;
    }
}
