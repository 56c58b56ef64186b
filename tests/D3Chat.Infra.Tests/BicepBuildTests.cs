namespace D3Chat.Infra.Tests;

/// <summary>Every .bicep file under infra/bicep compiles with the pinned Bicep CLI, with no error and no linter warning.</summary>
[Collection(CompiledBicepCollection.Name)]
public sealed class BicepBuildTests(CompiledBicep compiled)
{
    public static TheoryData<string> BicepFiles() => new(RepoPaths.BicepFiles());

    [Fact]
    public void Build_AllBicepFiles_ExitsZeroWithoutErrorsOrWarnings()
    {
        var run = compiled.Build;

        Assert.True(run.ExitCode == 0, $"bicep build exited with {run.ExitCode}:\n{run.StandardError}");
        Assert.False(
            run.StandardError.Contains("Warning", StringComparison.Ordinal) || run.StandardError.Contains("Error", StringComparison.Ordinal),
            $"bicep build reported problems:\n{run.StandardError}");
    }

    [Fact]
    public void BicepFiles_UnderInfraBicep_IncludeMainAndModules()
    {
        var files = RepoPaths.BicepFiles();

        Assert.Contains("main.bicep", files);
        Assert.Contains(files, file => file.StartsWith("modules/", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void Build_EachBicepFile_CompilesToArmWithoutErrorsOrWarnings(string file)
    {
        var problems = compiled.ProblemsOf(file);

        Assert.True(problems.Count == 0, $"{file}:\n{string.Join('\n', problems)}");
        Assert.NotNull(compiled.TemplateOf(file));
    }

    /// <summary>The build must work offline, so no module may come from a registry (br:, ts:).</summary>
    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void Modules_EachBicepFile_ReferencesLocalFilesOnly(string file)
    {
        var text = File.ReadAllText(Path.Combine(RepoPaths.BicepDirectory, file));

        Assert.DoesNotContain("'br:", text, StringComparison.Ordinal);
        Assert.DoesNotContain("'br/", text, StringComparison.Ordinal);
        Assert.DoesNotContain("'ts:", text, StringComparison.Ordinal);
        Assert.DoesNotContain("'ts/", text, StringComparison.Ordinal);
    }
}
