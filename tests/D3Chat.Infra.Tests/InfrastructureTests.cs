using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace D3Chat.Infra.Tests;

/// <summary>The compiled templates hold the deployment's decisions (docs/deploy.md: the resource table and the Front Door routing).</summary>
[Collection(CompiledBicepCollection.Name)]
public sealed partial class InfrastructureTests(CompiledBicep compiled)
{
    [Fact]
    public void FrontDoorRoutes_Patterns_SendEachPathToItsApp()
    {
        var template = Module("modules/frontDoorRoutes.bicep");
        var backends = template["variables"]!["backends"]!.AsArray().Select(b => b!.AsObject())
            .ToDictionary(b => b["name"]!.GetValue<string>(), b => b);

        Assert.Equal(["/api/*", "/health"], Patterns(backends["api"]));
        Assert.Equal(["/federation/*", "/.well-known/*"], Patterns(backends["federation"]));
        Assert.Equal(["/fanout/health"], Patterns(backends["fanout"]));
        Assert.Equal(["/*"], Patterns(backends["web"]));
        Assert.Equal("/health", backends["api"]["probePath"]!.GetValue<string>());
        Assert.Equal("/federation/health", backends["federation"]["probePath"]!.GetValue<string>());
        Assert.Equal("/fanout/health", backends["fanout"]["probePath"]!.GetValue<string>());
        Assert.Equal("[parameters('apiHostName')]", backends["api"]["hostName"]!.GetValue<string>());
        Assert.Equal("[parameters('federationHostName')]", backends["federation"]["hostName"]!.GetValue<string>());
        Assert.Equal("[parameters('staticWebHostName')]", backends["web"]["hostName"]!.GetValue<string>());
    }

    /// <summary>Every origin group probes its app's health route (which reports the transport in use).</summary>
    [Fact]
    public void FrontDoorRoutes_OriginGroups_ProbeTheirAppsHealth()
    {
        var group = Assert.Single(Resources(Module("modules/frontDoorRoutes.bicep"), "Microsoft.Cdn/profiles/originGroups"));

        Assert.Equal("[variables('backends')[copyIndex()].probePath]", group["properties"]!["healthProbeSettings"]!["probePath"]!.GetValue<string>());
    }

    /// <summary>One origin: the web client is served with its Content-Security-Policy, which allows only this origin plus SignalR and Storage.</summary>
    [Fact]
    public void FrontDoorRoutes_WebRoute_SetsTheClientsContentSecurityPolicy()
    {
        var template = Module("modules/frontDoorRoutes.bicep");
        var scope = new TemplateScope(template, null, null);
        // The ARM source of the join(): quotes inside ARM strings are doubled.
        var csp = Text(template["variables"]!["contentSecurityPolicy"], scope).Replace("''", "'", StringComparison.Ordinal);
        var rule = Assert.Single(Resources(template, "Microsoft.Cdn/profiles/ruleSets/rules"));
        var headerNames = template["variables"]!["webHeaders"]!.AsArray().Select(h => h!["name"]!.GetValue<string>());
        var route = Assert.Single(Resources(template, "Microsoft.Cdn/profiles/afdEndpoints/routes"));

        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("format('connect-src 'self' https://{0} wss://{1} https://{2}', parameters('signalRHostName'), parameters('signalRHostName'), parameters('storageBlobHostName'))",
            csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Contains("Content-Security-Policy", headerNames);
        var actions = Assert.Single(rule["properties"]!["copy"]!.AsArray())!;
        Assert.Equal("actions", actions["name"]!.GetValue<string>());
        Assert.Equal("[length(variables('webHeaders'))]", actions["count"]!.GetValue<string>());
        Assert.Equal("ModifyResponseHeader", actions["input"]!["name"]!.GetValue<string>());
        Assert.Contains("'web'", route["properties"]!["ruleSets"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void FrontDoor_Profile_IsStandardWithOneEndpoint()
    {
        var template = Module("modules/frontDoor.bicep");

        var profile = Single(template, "Microsoft.Cdn/profiles");
        Assert.Equal("Standard_AzureFrontDoor", profile["sku"]!["name"]!.GetValue<string>());
        Assert.Single(Resources(template, "Microsoft.Cdn/profiles/afdEndpoints"));
    }

    [Fact]
    public void FunctionApps_Module_IsFlexConsumptionDotnetIsolated10WithUserAssignedIdentity()
    {
        var template = Module("modules/functionApp.bicep");
        var scope = new TemplateScope(template, null, null);

        var plan = Single(template, "Microsoft.Web/serverfarms");
        Assert.Equal("FC1", plan["sku"]!["name"]!.GetValue<string>());
        Assert.Equal("FlexConsumption", plan["sku"]!["tier"]!.GetValue<string>());
        var site = Single(template, "Microsoft.Web/sites");
        var runtime = site["properties"]!["functionAppConfig"]!["runtime"]!;
        Assert.Equal("dotnet-isolated", Text(runtime["name"], scope));
        Assert.Equal("10.0", Text(runtime["version"], scope));
        Assert.Equal("UserAssigned", site["identity"]!["type"]!.GetValue<string>());
        Assert.NotNull(site["properties"]!["keyVaultReferenceIdentity"]);
    }

    [Fact]
    public void FunctionApps_FanoutAndFederation_HaveAlwaysReadyInstances()
    {
        var apps = FunctionAppModule.All(compiled.MainTemplate);
        var parametersFile = ParametersFile();

        foreach (var name in new[] { "fanout", "federation" })
        {
            var (passed, scope) = apps[name].Scope.Parameter("alwaysReady");
            var mainParameter = Assert.IsType<ArmCall>(ArmExpression.Parse(passed!.GetValue<string>()));
            var parameterName = Assert.IsType<ArmString>(Assert.Single(mainParameter.Arguments)).Value;
            var defaults = scope.Parameter(parameterName).Value!.AsArray();
            var deployed = parametersFile[parameterName]?["value"]?.AsArray() ?? defaults;

            Assert.Contains(defaults, group => group!["instanceCount"]!.GetValue<int>() >= 1);
            Assert.Contains(deployed, group => group!["instanceCount"]!.GetValue<int>() >= 1);
        }
    }

    /// <summary>An always-ready group <c>function:Name</c> must name a function of that app, or no instance stays warm.</summary>
    [Fact]
    public void FunctionApps_AlwaysReadyFunctionGroups_NameFunctionsOfThatApp()
    {
        var parametersFile = ParametersFile();
        var checkedGroups = 0;

        foreach (var app in FunctionAppModule.All(compiled.MainTemplate).Values)
        {
            var (passed, scope) = app.Scope.Parameter("alwaysReady");
            var parameterName = Assert.IsType<ArmString>(Assert.Single(Assert.IsType<ArmCall>(ArmExpression.Parse(passed!.GetValue<string>())).Arguments)).Value;
            var groups = (parametersFile[parameterName]?["value"]?.AsArray() ?? []).Concat(scope.Parameter(parameterName).Value!.AsArray());
            var functions = FunctionNames(app.ServiceName);

            foreach (var group in groups.Select(g => g!["name"]!.GetValue<string>()).Where(n => n.StartsWith("function:", StringComparison.Ordinal)))
            {
                Assert.True(
                    functions.Contains(group["function:".Length..]),
                    $"{parameterName} names '{group}', but functions/{app.ServiceName} has only: {string.Join(", ", functions)}");
                checkedGroups++;
            }
        }
        Assert.True(checkedGroups > 0, "No function:<name> always-ready group found; the fanout app needs one.");
    }

    [Fact]
    public void Storage_Account_AllowsNoSharedKeyAccess()
    {
        var account = Single(Module("modules/storage.bicep"), "Microsoft.Storage/storageAccounts");

        Assert.False(account["properties"]!["allowSharedKeyAccess"]!.GetValue<bool>());
        Assert.False(account["properties"]!["allowBlobPublicAccess"]!.GetValue<bool>());
    }

    [Fact]
    public void Storage_QueuesAndContainers_IncludeWorkQueuesAvatarsAndAttachments()
    {
        var main = new TemplateScope(compiled.MainTemplate, null, null);
        var storage = Deployment("storage");
        var queues = storage["properties"]!["parameters"]!["queueNames"]!["value"]!.AsArray().Select(q => Text(q, main));
        var containers = Text(storage["properties"]!["parameters"]!["containerNames"]!["value"], main);

        Assert.Equal(["channel-events-fanout", "channel-events-federation"], queues);
        Assert.Contains("avatars", containers, StringComparison.Ordinal);
        Assert.Contains("attachments", containers, StringComparison.Ordinal);
    }

    [Fact]
    public void ServiceBus_Topic_DetectsDuplicatesAndSubscriptionsDeadLetter()
    {
        var template = Module("modules/serviceBus.bicep");
        var main = Deployment("serviceBus")["properties"]!["parameters"]!;

        Assert.True(Single(template, "Microsoft.ServiceBus/namespaces/topics")["properties"]!["requiresDuplicateDetection"]!.GetValue<bool>());
        var subscription = Single(template, "Microsoft.ServiceBus/namespaces/topics/subscriptions")["properties"]!;
        Assert.True(subscription["deadLetteringOnMessageExpiration"]!.GetValue<bool>());
        Assert.True(subscription["maxDeliveryCount"]!.GetValue<int>() > 1);
        Assert.Equal(["fanout", "federation"], main["subscriptionNames"]!["value"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Equal("channel-events", Text(main["topicName"]!["value"], new TemplateScope(compiled.MainTemplate, null, null)));
    }

    [Fact]
    public void SignalR_Service_RunsInServerlessMode()
    {
        var signalR = Single(Module("modules/signalr.bicep"), "Microsoft.SignalRService/signalR");
        var features = signalR["properties"]!["features"]!.AsArray().Select(f => f!.AsObject());

        Assert.Contains(features, f => f["flag"]!.GetValue<string>() == "ServiceMode" && f["value"]!.GetValue<string>() == "Serverless");
    }

    [Fact]
    public void Redis_Cache_IsAzureManagedRedisNotAzureCacheForRedis()
    {
        var template = Module("modules/redis.bicep");

        Assert.Single(Resources(template, "Microsoft.Cache/redisEnterprise"));
        Assert.Single(Resources(template, "Microsoft.Cache/redisEnterprise/databases"));
        Assert.Empty(AllCompiledTemplates().SelectMany(t => Resources(t, "Microsoft.Cache/redis")));
    }

    [Fact]
    public void Postgres_Server_HasTheD3chatDatabase()
    {
        var template = Module("modules/postgres.bicep");
        var scope = new TemplateScope(template, null, null);

        Assert.Single(Resources(template, "Microsoft.DBforPostgreSQL/flexibleServers"));
        Assert.Equal("d3chat", Text(template["parameters"]!["databaseName"]!["defaultValue"], scope));
    }

    [Fact]
    public void KeyVault_Vault_UsesRbacAuthorization()
    {
        var vault = Single(Module("modules/keyVault.bicep"), "Microsoft.KeyVault/vaults");

        Assert.True(vault["properties"]!["enableRbacAuthorization"]!.GetValue<bool>());
    }

    [Fact]
    public void RoleAssignments_AllTemplates_LiveOnlyInRbacModuleWithGuidNames()
    {
        var rbac = Module("modules/rbac.bicep");
        var elsewhere = RepoPaths.BicepFiles()
            .Where(file => file is not "modules/rbac.bicep" and not "main.bicep")
            .Where(file => Resources(Module(file), "Microsoft.Authorization/roleAssignments").Any())
            .ToList();

        Assert.Empty(elsewhere);
        var assignments = Resources(rbac, "Microsoft.Authorization/roleAssignments").ToList();
        Assert.NotEmpty(assignments);
        Assert.All(assignments, a => Assert.StartsWith("[guid(", a["name"]!.GetValue<string>(), StringComparison.Ordinal));
    }

    [Fact]
    public void ParametersFile_Values_AreDeclaredNonSecretParameters()
    {
        var declared = compiled.MainTemplate["parameters"]!.AsObject();

        foreach (var (name, _) in ParametersFile())
        {
            Assert.True(declared.ContainsKey(name), $"main.parameters.json sets '{name}', which main.bicep does not declare");
            Assert.NotEqual("securestring", declared[name]!["type"]!.GetValue<string>());
        }
    }

    /// <summary>What the file leaves open must be secrets, passed on the command line (docs/deploy.md).</summary>
    [Fact]
    public void ParametersFile_RequiredParametersLeftOpen_AreSecureOnly()
    {
        var file = ParametersFile();
        var open = compiled.MainTemplate["parameters"]!.AsObject()
            .Where(p => p.Value!["defaultValue"] is null && !file.ContainsKey(p.Key))
            .ToList();

        Assert.All(open, p => Assert.Equal("securestring", p.Value!["type"]!.GetValue<string>()));
    }

    private JsonObject Module(string relativeFile) =>
        compiled.TemplateOf(relativeFile) ?? throw new InvalidOperationException($"{relativeFile} did not compile");

    private IEnumerable<JsonObject> AllCompiledTemplates() =>
        RepoPaths.BicepFiles().Select(compiled.TemplateOf).OfType<JsonObject>();

    /// <summary>The module deployment in main.json whose name starts with the module's symbolic name.</summary>
    private JsonObject Deployment(string symbolicName) =>
        compiled.MainTemplate["resources"] is JsonObject symbolic && symbolic[symbolicName] is JsonObject deployment
            ? deployment
            : ArmTemplate.Resources(compiled.MainTemplate).Single(r =>
                r["name"]?.GetValue<string>().Contains($"'{symbolicName}-", StringComparison.Ordinal) == true);

    private static JsonObject ParametersFile() =>
        JsonNode.Parse(File.ReadAllText(RepoPaths.MainParameters))!["parameters"]!.AsObject();

    private static IEnumerable<JsonObject> Resources(JsonObject template, string type) =>
        ArmTemplate.Resources(template).Where(r => ArmTemplate.TypeOf(r) == type);

    private static JsonObject Single(JsonObject template, string type) => Assert.Single(Resources(template, type));

    /// <summary>Names in [Function(nameof(X))] / [Function("X")] attributes under functions/&lt;app&gt;.</summary>
    private static HashSet<string> FunctionNames(string app) =>
        Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "functions", app), "*.cs", SearchOption.AllDirectories)
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) &&
                           !file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(file => FunctionAttribute().Matches(File.ReadAllText(file)))
            .Select(match => match.Groups["name"].Value)
            .ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"\[Function\((?:nameof\((?<name>\w+)\)|""(?<name>[^""]+)"")\)\]")]
    private static partial Regex FunctionAttribute();

    private static string[] Patterns(JsonObject backend) =>
        backend["patterns"]!.AsArray().Select(p => p!.GetValue<string>()).ToArray();

    private static string Text(JsonNode? node, TemplateScope scope) => ArmTemplate.Text(new TemplateValue(node, null, scope));
}
