namespace D3Chat.Infra.Tests;

/// <summary>Paths inside the repository, found by walking up from the test assembly.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string BicepDirectory => Path.Combine(Root, "infra", "bicep");

    public static string MainBicep => Path.Combine(BicepDirectory, "main.bicep");

    public static string MainParameters => Path.Combine(BicepDirectory, "main.parameters.json");

    /// <summary>Parameter files of the deployment profiles (main.parameters.json, profiles/*.parameters.json), relative to infra/bicep.</summary>
    public static IReadOnlyList<string> ParameterFiles() =>
        Directory.EnumerateFiles(BicepDirectory, "*.parameters.json", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(BicepDirectory, path).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();

    public static string LocalSettingsSample => Path.Combine(Root, "local.settings.sample.json");

    /// <summary>Every .bicep file under infra/bicep, relative to it, with forward slashes.</summary>
    public static IReadOnlyList<string> BicepFiles() =>
        Directory.EnumerateFiles(BicepDirectory, "*.bicep", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(BicepDirectory, path).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "D3Chat.sln")) ||
                File.Exists(Path.Combine(dir.FullName, "local.settings.sample.json")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException(
            $"No folder above {AppContext.BaseDirectory} holds D3Chat.sln or local.settings.sample.json.");
    }
}
