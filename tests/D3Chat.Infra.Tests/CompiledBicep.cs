using System.Text.Json.Nodes;

namespace D3Chat.Infra.Tests;

/// <summary>
/// Builds every .bicep file under infra/bicep once per test run (one bicep process; about as
/// fast as building a single file) and keeps the diagnostics and the compiled ARM templates.
/// </summary>
public sealed class CompiledBicep : IDisposable
{
    private readonly string _outputDirectory;

    public CompiledBicep()
    {
        _outputDirectory = Path.Combine(Path.GetTempPath(), $"d3chat-infra-tests-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_outputDirectory);
        var pattern = Path.Combine(RepoPaths.BicepDirectory, "**", "*.bicep");
        Build = BicepCli.Run(RepoPaths.BicepDirectory, "build", "--pattern", pattern, "--outdir", _outputDirectory);
    }

    internal BicepRun Build { get; }

    /// <summary>Errors and warnings (linter warnings included) of one file, by path relative to infra/bicep.</summary>
    internal IReadOnlyList<BicepDiagnostic> ProblemsOf(string relativeFile)
    {
        var full = Path.GetFullPath(Path.Combine(RepoPaths.BicepDirectory, relativeFile));
        return Build.Diagnostics.Where(d => d.Level != "Info" && d.File == full).ToList();
    }

    /// <summary>The ARM template compiled from a .bicep file (path relative to infra/bicep), or null.</summary>
    internal JsonObject? TemplateOf(string relativeBicepFile)
    {
        var json = Path.Combine(_outputDirectory, Path.ChangeExtension(relativeBicepFile, ".json"));
        return File.Exists(json) ? JsonNode.Parse(File.ReadAllText(json))!.AsObject() : null;
    }

    internal JsonObject MainTemplate =>
        TemplateOf("main.bicep") ?? throw new InvalidOperationException(
            $"main.bicep did not compile:\n{Build.StandardError}");

    public void Dispose()
    {
        try
        {
            Directory.Delete(_outputDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}

[CollectionDefinition(Name)]
public sealed class CompiledBicepCollection : ICollectionFixture<CompiledBicep>
{
    public const string Name = "compiled bicep";
}
