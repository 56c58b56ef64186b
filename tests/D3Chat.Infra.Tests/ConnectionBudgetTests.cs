using System.Text.Json.Nodes;

namespace D3Chat.Infra.Tests;

/// <summary>
/// The connection budget (issue 16, item 3): at their maximum instance counts the three apps can
/// never open more PostgreSQL connections than the server's SKU allows, for the template defaults
/// and for every parameters file we ship. Without PgBouncer each instance holds up to its pool
/// size; with PgBouncer the server sees one pool per app (user/database pair) and the clients
/// share PgBouncer's max_client_conn.
/// </summary>
[Collection(CompiledBicepCollection.Name)]
public sealed class ConnectionBudgetTests(CompiledBicep compiled)
{
    /// <summary>PgBouncer's default max_client_conn on Azure Database for PostgreSQL.</summary>
    private const int PgBouncerMaxClientConnections = 5000;

    private static readonly string[] Apps = ["api", "federation", "fanout"];

    public static TheoryData<string> Profiles() => new(["(template defaults)", .. RepoPaths.ParameterFiles()]);

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Profile_PostgresConnections_FitTheSkusLimit(string profile)
    {
        var values = Values(profile);
        var sku = values["postgresSkuName"]!.GetValue<string>();
        var maxConnections = compiled.MainTemplate["variables"]!["postgresMaxConnections"]![sku]?.GetValue<int>();
        Assert.True(maxConnections is not null, $"{profile}: postgresSkuName {sku} is missing from postgresMaxConnections in main.bicep");
        var serverLimit = maxConnections.Value
            - Variable("postgresReservedConnections") - Variable("postgresOperatorConnections");

        var clients = Apps.Sum(app => Int(values, $"{app}MaximumInstanceCount") * Int(values, $"{app}PostgresPoolSize"));
        var pgBouncer = values["postgresPgBouncer"]!.GetValue<bool>();
        var server = pgBouncer ? Apps.Length * Int(values, "postgresPgBouncerPoolSize") : clients;

        Assert.True(server <= serverLimit,
            $"{profile}: the apps can open {server} server connections, but {sku} allows {serverLimit} (max_connections {maxConnections} minus reserved).");
        if (pgBouncer)
        {
            Assert.True(values["postgresSkuTier"]!.GetValue<string>() != "Burstable", $"{profile}: PgBouncer is not offered on Burstable servers.");
            Assert.True(clients <= PgBouncerMaxClientConnections, $"{profile}: {clients} client connections exceed PgBouncer's {PgBouncerMaxClientConnections}.");
        }
    }

    /// <summary>The budget parameters reach the apps: pool size in each connection string, maximum instances on each plan.</summary>
    [Fact]
    public void FunctionApps_PoolAndInstanceParameters_ReachEachApp()
    {
        foreach (var app in FunctionAppModule.All(compiled.MainTemplate).Values)
        {
            var connection = ArmTemplate.Text(app.AppSettings["Postgres__ConnectionString"]);
            Assert.Contains($"parameters('{app.ServiceName}PostgresPoolSize')", connection, StringComparison.Ordinal);
            var (maxInstances, _) = app.Scope.Parameter("maximumInstanceCount");
            Assert.Equal($"[parameters('{app.ServiceName}MaximumInstanceCount')]", maxInstances!.GetValue<string>());
        }
    }

    private int Variable(string name) => compiled.MainTemplate["variables"]![name]!.GetValue<int>();

    private static int Int(JsonObject values, string name) => values[name]!.GetValue<int>();

    /// <summary>Parameter values of a profile: the file's values over the template defaults.</summary>
    private JsonObject Values(string profile)
    {
        var values = new JsonObject();
        foreach (var (name, declared) in compiled.MainTemplate["parameters"]!.AsObject())
        {
            if (declared!["defaultValue"] is { } value)
            {
                values[name] = value.DeepClone();
            }
        }
        if (profile.EndsWith(".json", StringComparison.Ordinal))
        {
            var file = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.BicepDirectory, profile)))!["parameters"]!.AsObject();
            foreach (var (name, entry) in file)
            {
                if (entry?["value"] is { } value)
                {
                    values[name] = value.DeepClone();
                }
            }
        }
        return values;
    }
}
