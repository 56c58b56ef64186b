using System.Text.Json;
using System.Text.RegularExpressions;

namespace D3Chat.Infra.Tests;

/// <summary>
/// Every configuration key the code reads (the "Values" of local.settings.sample.json, read
/// afresh on every run) is set by the Bicep on each function app that reads it, so a deploy
/// cannot miss one. Checked against the compiled ARM template, not the Bicep text.
/// </summary>
[Collection(CompiledBicepCollection.Name)]
public sealed partial class AppSettingsTests(CompiledBicep compiled)
{
    private const string Api = "api";
    private const string Federation = "federation";
    private const string Fanout = "fanout";
    private static readonly string[] AllApps = [Api, Federation, Fanout];

    /// <summary>
    /// Apps that read a key, by key prefix (first match wins). A key matching no prefix is read by
    /// all three apps: AddD3ChatCore binds and validates its options (Postgres, Redis, Queue,
    /// Server, Auth) at startup in every app, and the queue names resolve trigger bindings. When a
    /// new key belongs to fewer apps, add its prefix here and set it only on those apps in main.bicep.
    /// </summary>
    private static readonly (string Prefix, string[] Apps)[] Readers =
    [
        ("Bootstrap__", [Api]),             // first superadmin, created by the api at startup.
        ("RateLimit__", [Api]),             // the global per-IP limiter guards /api only.
        ("OutboxSweepSchedule", [Api]),     // %OutboxSweepSchedule% of the api's timer trigger.
        ("PoisonRedriveSchedule", [Api]),   // %PoisonRedriveSchedule% of the api's poison re-drive timer.
        ("RetentionSchedule", [Api]),       // %RetentionSchedule% of the api's retention timer.
        ("FederationRetrySchedule", [Federation]), // %FederationRetrySchedule% of the federation retry timer.
        ("Federation__InboxRatePerMinute", [Federation]),   // the inbox and the key claim.
        ("Federation__BatchEventsPerMinute", [Federation]), // POST /federation/transactions.
        ("Federation__MaxBatchEvents", [Federation]),       // that endpoint and the well-known document.
        ("Federation__", [Api, Federation]), // api signs user lookups; federation signs and verifies.
        ("SignalR__", [Api, Fanout]),       // api issues negotiate tokens; fanout calls the REST API.
    ];

    /// <summary>Keys of the sample that are deliberately not app settings in Azure, and why.</summary>
    private static readonly Dictionary<string, string> NotAppSettingsInAzure = new(StringComparer.Ordinal)
    {
        ["FUNCTIONS_WORKER_RUNTIME"] =
            "Flex Consumption takes the worker runtime from functionAppConfig.runtime and refuses this app setting.",
    };

    public static TheoryData<string> SampleKeys() => new(ReadSampleKeys());

    [Fact]
    public void FunctionApps_MainTemplate_AreApiFederationAndFanout()
    {
        var apps = FunctionAppModule.All(compiled.MainTemplate);

        Assert.Equal(AllApps.Order(StringComparer.Ordinal), apps.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void LocalSettingsSample_Values_AreNotEmpty()
    {
        Assert.NotEmpty(ReadSampleKeys());
    }

    [Theory]
    [MemberData(nameof(SampleKeys))]
    public void AppSettings_EachKeyOfLocalSettingsSample_IsSetOnEachAppThatReadsIt(string key)
    {
        var apps = FunctionAppModule.All(compiled.MainTemplate);
        if (NotAppSettingsInAzure.ContainsKey(key))
        {
            return; // AppSettings_KeysNotSetInAzure_AreAbsentFromEveryApp covers these.
        }

        var missing = ReadersOf(key).Where(app => !IsSet(apps[app], key)).ToList();

        Assert.True(
            missing.Count == 0,
            $"Key '{key}' of local.settings.sample.json is not set on the {string.Join(", ", missing)} app(s). " +
            "Add it to that app's settings object in infra/bicep/main.bicep, or, if it is read by fewer apps, " +
            $"declare its readers in {nameof(AppSettingsTests)}.{nameof(Readers)}.");
    }

    [Fact]
    public void AppSettings_KeysNotSetInAzure_AreAbsentFromEveryApp()
    {
        foreach (var app in FunctionAppModule.All(compiled.MainTemplate).Values)
        {
            foreach (var (key, reason) in NotAppSettingsInAzure)
            {
                Assert.False(app.AppSettings.ContainsKey(key), $"{app.ServiceName} sets {key}: {reason}");
            }
        }
    }

    [Fact]
    public void AppSettings_SecretValues_AreKeyVaultReferences()
    {
        var checkedSecrets = 0;
        foreach (var app in FunctionAppModule.All(compiled.MainTemplate).Values)
        {
            foreach (var (key, value) in app.AppSettings.Where(pair => SecretKey().IsMatch(pair.Key) && !KeylessTests.KeylessConnectionSettings.Contains(pair.Key)))
            {
                var text = ArmTemplate.Text(value);
                // kvRef() inside another expression (if(redisEnabled, kvRef(...), '')) shows as the call;
                // its body, checked wherever it is the whole value, is the Key Vault reference format.
                Assert.True(
                    text.Contains("@Microsoft.KeyVault(SecretUri=", StringComparison.Ordinal) || text.Contains("__bicep.kvRef(", StringComparison.Ordinal),
                    $"{app.ServiceName}: {key} must be a Key Vault reference, but is {text}");
                checkedSecrets++;
            }
        }
        Assert.True(checkedSecrets > 0, "No secret-like app setting was found; the check is not working.");
    }

    [Fact]
    public void AppSettings_QueueTransport_IsServiceBusInAzure()
    {
        foreach (var app in FunctionAppModule.All(compiled.MainTemplate).Values)
        {
            Assert.True(app.AppSettings.TryGetValue("Queue__Transport", out var transport), $"{app.ServiceName} lacks Queue__Transport");
            Assert.Equal("ServiceBus", ArmTemplate.Text(transport));
        }
    }

    [Fact]
    public void AppSettings_HostStorage_IsIdentityBasedWithoutConnectionString()
    {
        foreach (var app in FunctionAppModule.All(compiled.MainTemplate).Values)
        {
            var settings = app.AppSettings;
            Assert.False(settings.ContainsKey("AzureWebJobsStorage"), $"{app.ServiceName} sets a storage connection string");
            Assert.True(settings.ContainsKey("AzureWebJobsStorage__accountName"), $"{app.ServiceName} lacks AzureWebJobsStorage__accountName");
            Assert.True(settings.ContainsKey("AzureWebJobsStorage__clientId"), $"{app.ServiceName} lacks AzureWebJobsStorage__clientId");
            Assert.Equal("managedidentity", ArmTemplate.Text(settings["AzureWebJobsStorage__credential"]));
        }
    }

    private static IEnumerable<string> ReadersOf(string key) =>
        Readers.FirstOrDefault(reader => key.StartsWith(reader.Prefix, StringComparison.Ordinal)).Apps ?? AllApps;

    /// <summary>
    /// Set directly, or in the identity-based form of a Functions connection
    /// (<c>KEY__accountName</c>/<c>__fullyQualifiedNamespace</c>/<c>__serviceUri</c> plus <c>KEY__credential</c>).
    /// </summary>
    private static bool IsSet(FunctionAppModule app, string key) =>
        app.AppSettings.ContainsKey(key) || app.AppSettings.ContainsKey($"{key}__credential");

    private static List<string> ReadSampleKeys()
    {
        using var sample = JsonDocument.Parse(File.ReadAllText(RepoPaths.LocalSettingsSample));
        return sample.RootElement.GetProperty("Values").EnumerateObject().Select(property => property.Name).ToList();
    }

    /// <summary>Settings whose values are secrets: connection strings, passwords, signing keys.</summary>
    [GeneratedRegex("(Secret|Password|Seed|ConnectionString|Connection)$")]
    private static partial Regex SecretKey();
}
