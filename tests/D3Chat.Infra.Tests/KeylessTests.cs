using System.Text.Json.Nodes;

namespace D3Chat.Infra.Tests;

/// <summary>
/// Keyless by default (issue 16, item 2): PostgreSQL, Service Bus and SignalR authenticate with
/// Microsoft Entra ID, one managed identity per app with only its roles, and the compiled templates
/// hold no key, SAS rule or connection-string secret that is no longer needed.
/// </summary>
[Collection(CompiledBicepCollection.Name)]
public sealed class KeylessTests(CompiledBicep compiled)
{
    /// <summary>Connection settings that carry no secret in Azure (checked below), so they are not Key Vault references.</summary>
    internal static readonly HashSet<string> KeylessConnectionSettings = new(StringComparer.Ordinal)
    {
        "Postgres__ConnectionString",
        "SignalR__ConnectionString",
    };

    /// <summary>The only key left, and why (modules/redis.bicep, docs/deploy.md "Keyless").</summary>
    private static readonly Dictionary<string, string> AllowedListKeys = new(StringComparer.Ordinal)
    {
        ["modules/redis.bicep"] = "Azure Managed Redis key: Entra re-authentication needs Microsoft.Azure.StackExchangeRedis, which is not a permitted package.",
    };

    /// <summary>Key Vault secrets the deployment writes; every other connection is keyless.</summary>
    private static readonly string[] ExpectedSecrets = ["jwt-secret", "federation-signing-seed", "bootstrap-admin-password", "redis-connection-string"];

    [Fact]
    public void CompiledTemplates_CallListKeys_OnlyWhereAllowed()
    {
        foreach (var file in RepoPaths.BicepFiles().Where(f => f != "main.bicep"))
        {
            var json = compiled.TemplateOf(file)!.ToJsonString();
            if (json.Contains("listKeys(", StringComparison.Ordinal))
            {
                Assert.True(AllowedListKeys.ContainsKey(file), $"{file} calls listKeys(, but the connection it serves can use Microsoft Entra ID.");
            }
        }
        Assert.All(AllowedListKeys.Keys, file => Assert.Contains("listKeys(", compiled.TemplateOf(file)!.ToJsonString(), StringComparison.Ordinal));
    }

    [Fact]
    public void CompiledMainTemplate_HasNoSasRuleAndNoPostgresPassword()
    {
        var main = compiled.MainTemplate.ToJsonString();

        Assert.DoesNotContain("Microsoft.ServiceBus/namespaces/authorizationRules", main, StringComparison.Ordinal);
        Assert.DoesNotContain("listConnectionStrings(", main, StringComparison.Ordinal);
        Assert.DoesNotContain("administratorLoginPassword", main, StringComparison.Ordinal);
        Assert.DoesNotContain(compiled.MainTemplate["parameters"]!.AsObject(), p => p.Key.Contains("postgres", StringComparison.OrdinalIgnoreCase) &&
            p.Value!["type"]!.GetValue<string>() == "securestring");
    }

    [Fact]
    public void KeyVaultSecrets_AreOnlyTheOnesStillNeeded()
    {
        var main = new TemplateScope(compiled.MainTemplate, null, null);
        var secretNames = ArmTemplate.Keys(compiled.MainTemplate["variables"]!["secretNames"], main)
            .Select(pair => ArmTemplate.Text(pair.Value)).Order(StringComparer.Ordinal);

        Assert.Equal(ExpectedSecrets.Order(StringComparer.Ordinal), secretNames);
        var secretResources = RepoPaths.BicepFiles()
            .SelectMany(file => Resources(compiled.TemplateOf(file)!, "Microsoft.KeyVault/vaults/secrets").Select(_ => file))
            .ToList();
        Assert.Equal(["modules/keyVault.bicep", "modules/keyVault.bicep", "modules/keyVault.bicep", "modules/redis.bicep"], secretResources.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ServiceBus_LocalAuth_IsDisabled()
    {
        var ns = Assert.Single(Resources(compiled.TemplateOf("modules/serviceBus.bicep")!, "Microsoft.ServiceBus/namespaces"));

        Assert.True(ns["properties"]!["disableLocalAuth"]!.GetValue<bool>());
    }

    [Fact]
    public void SignalR_LocalAuth_IsDisabled()
    {
        var signalR = Assert.Single(Resources(compiled.TemplateOf("modules/signalr.bicep")!, "Microsoft.SignalRService/signalR"));

        Assert.True(signalR["properties"]!["disableLocalAuth"]!.GetValue<bool>());
    }

    [Fact]
    public void Postgres_Authentication_IsEntraOnly_AndADeploymentScriptCreatesTheAppRoles()
    {
        var template = compiled.TemplateOf("modules/postgres.bicep")!;
        var server = Assert.Single(Resources(template, "Microsoft.DBforPostgreSQL/flexibleServers"));
        var script = Assert.Single(Resources(template, "Microsoft.Resources/deploymentScripts"));

        Assert.Equal("Enabled", server["properties"]!["authConfig"]!["activeDirectoryAuth"]!.GetValue<string>());
        Assert.Equal("Disabled", server["properties"]!["authConfig"]!["passwordAuth"]!.GetValue<string>());
        Assert.Single(Resources(template, "Microsoft.DBforPostgreSQL/flexibleServers/administrators"));
        var scriptText = ArmTemplate.Text(new TemplateValue(script["properties"]!["scriptContent"], null, new TemplateScope(template, null, null)));
        Assert.Contains("pgaadauth_create_principal_with_oid", scriptText, StringComparison.Ordinal);
        Assert.Contains("APP_ROLES", scriptText, StringComparison.Ordinal);
    }

    [Fact]
    public void AppSettings_KeylessConnections_CarryNoSecretAndNameTheAppsOwnIdentity()
    {
        foreach (var app in FunctionAppModule.All(compiled.MainTemplate).Values)
        {
            var settings = app.AppSettings;
            var postgres = ArmTemplate.Text(settings["Postgres__ConnectionString"]);
            Assert.DoesNotContain("Password", postgres, StringComparison.OrdinalIgnoreCase);
            Assert.Equal("managedidentity", ArmTemplate.Text(settings["Postgres__Credential"]));
            Assert.False(settings.ContainsKey("Queue__ServiceBusConnection"), $"{app.ServiceName} sets a Service Bus connection string");
            Assert.Equal("managedidentity", ArmTemplate.Text(settings["Queue__ServiceBusConnection__credential"]));
            if (settings.TryGetValue("SignalR__ConnectionString", out var signalR))
            {
                var text = ArmTemplate.Text(signalR);
                Assert.Contains("AuthType=azure.msi", text, StringComparison.Ordinal);
                Assert.DoesNotContain("AccessKey", text, StringComparison.Ordinal);
            }
            // The app's client id everywhere is the one of the identity the site runs as.
            var identity = app.Scope.Parameter("identityClientId");
            var clientId = ArmTemplate.Text(new TemplateValue(identity.Value, null, identity.Scope));
            Assert.Equal(clientId, ArmTemplate.Text(settings["Postgres__ClientId"]));
            Assert.Equal(clientId, ArmTemplate.Text(settings["Queue__ServiceBusConnection__clientId"]));
        }
    }

    [Fact]
    public void FunctionApps_EachRunsAsItsOwnIdentity()
    {
        var identities = FunctionAppModule.All(compiled.MainTemplate).Values
            .Select(app => app.Scope.Parameter("identityId"))
            .Select(p => ArmTemplate.Text(new TemplateValue(p.Value, null, p.Scope)))
            .ToList();

        Assert.Equal(3, identities.Distinct(StringComparer.Ordinal).Count());
    }

    /// <summary>Least privilege: the roles each app holds are exactly the ones its code uses (Service Bus transport, the default).</summary>
    [Theory]
    [InlineData("api", "topic:69a216fc-b8fb-44d8-bc22-1f3c2cd27a39", "signalR:fd53cd77-2268-407a-8f46-7e7863d0f521",
        "subscription:fanout:4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0", "subscription:federation:4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0")]
    [InlineData("federation", "topic:69a216fc-b8fb-44d8-bc22-1f3c2cd27a39", "subscription:federation:4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0")]
    [InlineData("fanout", "subscription:fanout:4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0", "signalR:fd53cd77-2268-407a-8f46-7e7863d0f521")]
    public void Rbac_MessagingRolesOfEachApp_AreExactlyWhatItUses(string app, params string[] expected)
    {
        var rbac = compiled.TemplateOf("modules/rbac.bicep")!;
        var scope = new TemplateScope(rbac, null, null);
        var grants = rbac["variables"]!["allTransportGrants"]!.AsArray().Select(g => g!.AsObject())
            .Select(g => (App: g["app"]!.GetValue<string>(), Scope: g["scope"]!.GetValue<string>(), Role: ArmTemplate.Text(new TemplateValue(g["role"], null, scope))))
            .ToList();

        var messaging = grants.Where(g => g.App == app && g.Scope is "topic" or "signalR" || g.App == app && g.Scope.StartsWith("subscription:", StringComparison.Ordinal))
            .Select(g => $"{g.Scope}:{g.Role}")
            .Order(StringComparer.Ordinal);

        Assert.Equal(expected.Order(StringComparer.Ordinal), messaging);
        Assert.DoesNotContain(grants, g => g.App == app && g.Scope == "storage" && app == "api" && g.Role == "974c5e8b-45b9-4653-ba55-5f855dd0fb88");
    }

    private static IEnumerable<JsonObject> Resources(JsonObject template, string type) =>
        ArmTemplate.Resources(template).Where(r => ArmTemplate.TypeOf(r) == type);
}
