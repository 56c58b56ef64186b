using System.Text.Json.Nodes;

namespace D3Chat.Infra.Tests;

/// <summary>
/// `azd up` (issue 16, item 4): azure.yaml points at the Bicep, its services are exactly the
/// resources the Bicep tags for azd, and the parameters file takes AZURE_ENV_NAME and AZURE_LOCATION.
/// The what-if-short-circuiting linter rule is on (bicepconfig.json), so BicepBuildTests fails on it.
/// </summary>
[Collection(CompiledBicepCollection.Name)]
public sealed class AzdTests(CompiledBicep compiled)
{
    private static readonly JsonObject Azure = YamlFile.Load(Path.Combine(RepoPaths.Root, "azure.yaml"));

    [Fact]
    public void AzureYaml_Infra_IsTheMainBicep()
    {
        Assert.Equal("bicep", Azure["infra"]!["provider"]!.GetValue<string>());
        var path = Azure["infra"]!["path"]!.GetValue<string>();
        var module = Azure["infra"]!["module"]!.GetValue<string>();

        Assert.True(File.Exists(Path.Combine(RepoPaths.Root, path, module + ".bicep")), $"{path}/{module}.bicep does not exist");
        Assert.True(File.Exists(Path.Combine(RepoPaths.Root, path, module + ".parameters.json")), "azd reads <module>.parameters.json next to it");
    }

    [Fact]
    public void AzureYaml_Services_AreTheTaggedFunctionAppsAndTheWebClient()
    {
        var services = Azure["services"]!.AsObject();
        var functionApps = FunctionAppModule.All(compiled.MainTemplate).Keys;

        Assert.Equal(functionApps.Append("web").Order(StringComparer.Ordinal), services.Select(s => s.Key).Order(StringComparer.Ordinal));
        foreach (var app in functionApps)
        {
            Assert.Equal("function", services[app]!["host"]!.GetValue<string>());
            Assert.Equal("dotnet", services[app]!["language"]!.GetValue<string>());
            Assert.True(Directory.Exists(Path.Combine(RepoPaths.Root, services[app]!["project"]!.GetValue<string>())));
        }
        Assert.Equal("staticwebapp", services["web"]!["host"]!.GetValue<string>());
        Assert.True(File.Exists(Path.Combine(RepoPaths.Root, services["web"]!["project"]!.GetValue<string>(), "package.json")));
        // The web service is found by its tag on the Static Web App.
        Assert.Contains("'azd-service-name', 'web'", compiled.MainTemplate.ToJsonString().Replace("\\u0027", "'", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void ParametersFile_TakesTheAzdEnvironmentNameAndLocation()
    {
        var parameters = JsonNode.Parse(File.ReadAllText(RepoPaths.MainParameters))!["parameters"]!;

        Assert.Equal("${AZURE_ENV_NAME}", parameters["environmentName"]!["value"]!.GetValue<string>());
        Assert.Equal("${AZURE_LOCATION}", parameters["location"]!["value"]!.GetValue<string>());
    }

    [Fact]
    public void BicepConfig_WhatIfShortCircuiting_IsAWarningSoTheBuildTestEnforcesIt()
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.BicepDirectory, "bicepconfig.json")))!;

        Assert.Equal("warning", config["analyzers"]!["core"]!["rules"]!["what-if-short-circuiting"]!["level"]!.GetValue<string>());
    }
}
