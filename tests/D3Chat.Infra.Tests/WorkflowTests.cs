using System.Text.Json.Nodes;

namespace D3Chat.Infra.Tests;

/// <summary>
/// The deploy workflow as GitHub runs it (issue 16, item 1): the test job needs no root and no
/// Debian PostgreSQL path, the build happens once, the deploy job ships that job's artifacts (one per
/// app, the web client, the Bicep) after a what-if, and the federated-credential subject is documented.
/// </summary>
public sealed class WorkflowTests
{
    private static readonly string WorkflowPath = Path.Combine(RepoPaths.Root, ".github", "workflows", "deploy.yml");
    private static readonly JsonObject Workflow = YamlFile.Load(WorkflowPath);
    private static readonly JsonObject Jobs = Workflow["jobs"]!.AsObject();
    private static readonly string[] FunctionApps = ["api", "federation", "fanout"];

    [Fact]
    public void TestJob_RunsOnUbuntuLatestWithServiceContainersAndNoRootOrLocalServiceScripts()
    {
        var job = Jobs["build-test"]!;
        var services = job["services"]!.AsObject();
        var scripts = RunScripts(job);

        Assert.Equal("ubuntu-latest", job["runs-on"]!.GetValue<string>());
        Assert.StartsWith("postgres:15", services["postgres"]!["image"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith("redis:", services["redis"]!["image"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("54329:5432", services["postgres"]!["ports"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Contains("63790:6379", services["redis"]!["ports"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Contains(scripts, s => s.Contains("tools/azurite/node_modules/.bin/azurite", StringComparison.Ordinal));
        Assert.DoesNotContain(scripts, s => s.Contains("sudo", StringComparison.Ordinal));
        Assert.DoesNotContain(scripts, s => s.Contains("scripts/test", StringComparison.Ordinal) || s.Contains("scripts/services", StringComparison.Ordinal));
        Assert.DoesNotContain(scripts, s => s.Contains("/usr/lib/postgresql", StringComparison.Ordinal));
        foreach (var setting in new[] { "D3CHAT_TEST_POSTGRES", "D3CHAT_TEST_REDIS", "D3CHAT_TEST_STORAGE" })
        {
            Assert.NotNull(job["env"]![setting]);
        }
    }

    [Fact]
    public void TestJob_BuildsOnce_ThenTestsAndPublishesThatBuild()
    {
        var scripts = RunScripts(Jobs["build-test"]!);

        Assert.Single(scripts, s => s.Contains("dotnet build", StringComparison.Ordinal));
        var test = Assert.Single(scripts, s => s.Contains("dotnet test", StringComparison.Ordinal));
        Assert.Contains("--no-build", test, StringComparison.Ordinal);
        var publish = Assert.Single(scripts, s => s.Contains("dotnet publish", StringComparison.Ordinal));
        Assert.Contains("--no-build", publish, StringComparison.Ordinal);
        Assert.Single(scripts, s => s.Contains("npm run build", StringComparison.Ordinal));
        foreach (var project in new[] { "D3Chat.Core.Tests", "D3Chat.Integration.Tests", "D3Chat.Infra.Tests" })
        {
            Assert.Contains(project, test, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TestJob_UploadsOneArtifactPerAppTheWebClientAndTheBicep()
    {
        var uploads = Steps(Jobs["build-test"]!).Where(s => Uses(s).StartsWith("actions/upload-artifact", StringComparison.Ordinal))
            .ToDictionary(s => s["with"]!["name"]!.GetValue<string>(), s => s["with"]!["path"]!.GetValue<string>());
        var package = Assert.Single(RunScripts(Jobs["build-test"]!), s => s.Contains("zip -qr", StringComparison.Ordinal));

        Assert.Equal(["functions", "infra", "web"], uploads.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("static-web/dist", uploads["web"]);
        Assert.Equal("infra/bicep", uploads["infra"]);
        Assert.Contains("for app in api federation fanout", package, StringComparison.Ordinal);
        Assert.Contains("$app.zip", package, StringComparison.Ordinal);
    }

    [Fact]
    public void DeployJob_ShipsTheArtifacts_WithoutCheckoutOrCompiler()
    {
        var job = Jobs["deploy"]!;
        var steps = Steps(job).ToList();
        var scripts = RunScripts(job);

        Assert.Equal("build-test", job["needs"]!.GetValue<string>());
        Assert.DoesNotContain(steps, s => Uses(s).StartsWith("actions/checkout", StringComparison.Ordinal));
        Assert.DoesNotContain(steps, s => Uses(s).StartsWith("actions/setup-dotnet", StringComparison.Ordinal));
        Assert.DoesNotContain(scripts, s => s.Contains("dotnet ", StringComparison.Ordinal) || s.Contains("npm run build", StringComparison.Ordinal) || s.Contains("npm ci", StringComparison.Ordinal));
        Assert.Equal(["functions", "infra", "web"], steps.Where(s => Uses(s).StartsWith("actions/download-artifact", StringComparison.Ordinal))
            .Select(s => s["with"]!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        var deploy = string.Join('\n', scripts);
        foreach (var app in FunctionApps)
        {
            Assert.Contains($"--src artifacts/functions/{app}.zip", deploy, StringComparison.Ordinal);
        }
        Assert.Contains("deploy artifacts/web", deploy, StringComparison.Ordinal);
        Assert.Contains("--template-file artifacts/infra/main.bicep", deploy, StringComparison.Ordinal);
    }

    [Fact]
    public void DeployJob_RunsWhatIfBeforeTheDeployment()
    {
        var scripts = RunScripts(Jobs["deploy"]!);
        var whatIf = scripts.FindIndex(s => s.Contains("az deployment sub what-if", StringComparison.Ordinal));
        var create = scripts.FindIndex(s => s.Contains("az deployment sub create", StringComparison.Ordinal));

        Assert.True(whatIf >= 0, "no what-if step");
        Assert.True(create > whatIf, "what-if must run before the deployment");
    }

    [Fact]
    public void DeployJob_UsesOidcInTheProductionEnvironment_AndTheSubjectIsDocumented()
    {
        var job = Jobs["deploy"]!;
        var header = File.ReadAllText(WorkflowPath);
        var deployDoc = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "deploy.md"));
        const string subject = "repo:<owner>/<repo>:environment:production";

        Assert.Equal("production", job["environment"]!.GetValue<string>());
        Assert.Equal("write", job["permissions"]!["id-token"]!.GetValue<string>());
        Assert.Contains(Steps(job), s => Uses(s).StartsWith("azure/login", StringComparison.Ordinal));
        Assert.Contains(subject, header, StringComparison.Ordinal);
        Assert.Contains(subject, deployDoc, StringComparison.Ordinal);
    }

    private static IEnumerable<JsonObject> Steps(JsonNode job) => job["steps"]!.AsArray().Select(s => s!.AsObject());

    private static string Uses(JsonObject step) => step["uses"]?.GetValue<string>() ?? "";

    private static List<string> RunScripts(JsonNode job) =>
        Steps(job).Select(s => s["run"]?.GetValue<string>()).OfType<string>().ToList();
}
