using System.Text.Json.Nodes;

namespace D3Chat.Infra.Tests;

/// <summary>
/// The small profile (issue 16, item 10; docs/deploy.md "Small profile"): the parameter values the
/// cost estimate relies on. If one changes, the estimate in docs/deploy.md must be redone.
/// </summary>
[Collection(CompiledBicepCollection.Name)]
public sealed class SmallProfileTests(CompiledBicep compiled)
{
    private static readonly JsonObject Small = JsonNode.Parse(File.ReadAllText(
        Path.Combine(RepoPaths.BicepDirectory, "profiles", "small.parameters.json")))!["parameters"]!.AsObject();

    [Fact]
    public void SmallProfile_DropsTheServicesItsCostEstimateLeavesOut()
    {
        Assert.Equal("StorageQueues", Value("queueTransport"));   // no Service Bus namespace
        Assert.Equal("False", Value("redisEnabled"));              // no Azure Managed Redis
        Assert.Equal("Free_F1", Value("signalRSkuName"));          // 20 concurrent connections
        Assert.Equal("Standard_B1ms", Value("postgresSkuName"));
        Assert.Equal("Disabled", Value("postgresHighAvailabilityMode"));
        Assert.Equal("Free", Value("staticWebAppSkuName"));
        foreach (var app in new[] { "api", "federation", "fanout" })
        {
            Assert.Empty(Small[$"{app}AlwaysReady"]!["value"]!.AsArray()); // no always-ready instance-months
        }
    }

    [Fact]
    public void SmallProfile_SetsOnlyDeclaredNonSecretParameters()
    {
        var declared = compiled.MainTemplate["parameters"]!.AsObject();

        foreach (var (name, _) in Small)
        {
            Assert.True(declared.ContainsKey(name), $"small.parameters.json sets '{name}', which main.bicep does not declare");
            Assert.NotEqual("securestring", declared[name]!["type"]!.GetValue<string>());
        }
    }

    [Fact]
    public void DefaultProfile_KeepsServiceBusAndRedis()
    {
        var parameters = compiled.MainTemplate["parameters"]!;

        Assert.Equal("ServiceBus", parameters["queueTransport"]!["defaultValue"]!.GetValue<string>());
        Assert.True(parameters["redisEnabled"]!["defaultValue"]!.GetValue<bool>());
    }

    private string Value(string name) => Small[name]!["value"]!.ToString() switch
    {
        "false" => "False",
        "true" => "True",
        var text => text,
    };
}
