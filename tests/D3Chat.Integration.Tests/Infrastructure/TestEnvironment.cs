namespace D3Chat.Integration.Tests.Infrastructure;

/// <summary>
/// Connection settings of the real services that <c>scripts/test</c> started. A missing setting
/// fails the run: these tests never skip.
/// </summary>
public static class TestEnvironment
{
    public static string PostgresAdmin => Require("D3CHAT_TEST_POSTGRES");

    public static string Redis => Require("D3CHAT_TEST_REDIS");

    public static string Storage => Require("D3CHAT_TEST_STORAGE");

    public static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "D3Chat.sln")))
                {
                    return dir.FullName;
                }
            }
            throw new InvalidOperationException("Cannot find the repository root (D3Chat.sln) above the test assembly.");
        }
    }

    /// <summary>Debug or Release: the LocalHost is run from the same configuration the tests were built in.</summary>
    public static string BuildConfiguration =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    private static string Require(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is not set. Run the integration tests through ./scripts/test, which starts PostgreSQL, Redis and Azurite.");
}
