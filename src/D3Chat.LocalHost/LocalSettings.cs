using System.Text.Json;

namespace D3Chat.LocalHost;

/// <summary>
/// Finds the repository the LocalHost runs from and loads its <c>local.settings.json</c> (or the
/// committed sample) the way <c>func start</c> would: the <c>Values</c> become configuration, with
/// <c>__</c> meaning a section separator. Environment variables still win over them.
/// </summary>
internal static class LocalSettings
{
    public static string FindRepoRoot(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Path.GetFullPath(configured);
        }
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "D3Chat.sln")))
                {
                    return dir.FullName;
                }
            }
        }
        throw new InvalidOperationException("Cannot find the D3Chat repository (D3Chat.sln); set LocalHost__RepoRoot.");
    }

    public const string SampleFile = "local.settings.sample.json";

    public static IReadOnlyDictionary<string, string?> Load(string repoRoot)
    {
        var path = Path.Combine(repoRoot, "local.settings.json");
        return LoadFile(File.Exists(path) ? path : Path.Combine(repoRoot, SampleFile));
    }

    /// <summary>The <c>Values</c> of one settings file, with <c>__</c> turned into configuration's <c>:</c>.</summary>
    public static IReadOnlyDictionary<string, string?> LoadFile(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("Values").EnumerateObject()
            .ToDictionary(p => p.Name.Replace("__", ":", StringComparison.Ordinal), p => (string?)p.Value.GetString());
    }
}
