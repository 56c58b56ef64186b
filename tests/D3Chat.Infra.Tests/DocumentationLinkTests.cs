using System.Text.RegularExpressions;

namespace D3Chat.Infra.Tests;

/// <summary>
/// The repository stands on its own: every link and repository path in its markdown files (README.md, docs/**, ...)
/// resolves inside the checkout, and nothing points at material a clone does not have.
/// </summary>
public sealed partial class DocumentationLinkTests
{
    private static readonly DocReferences Repository = new(RepoPaths.Root);

    public static TheoryData<string> Documents() => new(Repository.Documents());

    [Theory]
    [MemberData(nameof(Documents))]
    public void Document_EveryLinkAndPath_ResolvesInsideTheRepository(string document)
    {
        var broken = Repository.Check(document).Where(reference => reference.Problem is not null).Select(r => r.ToString()).ToList();

        Assert.True(broken.Count == 0, "Broken or outside references:\n" + string.Join('\n', broken));
    }

    [Fact]
    public void Documents_IncludeTheReadmeAndTheProtocol()
    {
        var documents = Repository.Documents();

        Assert.Contains("README.md", documents);
        Assert.Contains("docs/protocol/http-api.md", documents);
        Assert.Contains("docs/protocol/federation.md", documents);
    }

    [Fact]
    public void Readme_DocumentationSection_ListsEveryDocumentUnderDocs()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var section = readme[readme.IndexOf("## Documentation", StringComparison.Ordinal)..];
        var linked = Repository.Check("README.md", section).Select(reference => reference.Target.Split('#')[0]).ToHashSet(StringComparer.Ordinal);

        var documents = Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "docs"), "*", SearchOption.AllDirectories)
            .Where(path => Path.GetExtension(path) is ".md" or ".json" or ".yaml" or ".yml")
            .Select(path => Path.GetRelativePath(RepoPaths.Root, path).Replace('\\', '/'));

        var missing = documents.Where(d => !linked.Contains(d)).ToList();

        Assert.True(missing.Count == 0, "Not listed under ## Documentation in README.md: " + string.Join(", ", missing));
    }

    [Fact]
    public void FederationVectors_EveryConstantPinnedByTheCoreTest_AppearsInTheProtocolDocument()
    {
        var test = File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "D3Chat.Core.Tests", "Federation", "ProtocolVectorTests.cs"));
        var document = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "protocol", "federation.md"));
        var constants = StringConstant().Matches(test).Select(m => m.Groups["raw"].Success ? m.Groups["raw"].Value : m.Groups["plain"].Value).ToList();

        Assert.True(constants.Count >= 10, $"Only {constants.Count} constants found in ProtocolVectorTests.cs");
        Assert.All(constants, constant => Assert.Contains(constant, document, StringComparison.Ordinal));
    }

    /// <summary>
    /// Code comments cite the protocol as "spec api.md §7" or "federation.md §4"; each cited section
    /// must exist in docs/protocol, so a citation never points at a document a clone does not have.
    /// </summary>
    [Fact]
    public void CodeComments_ProtocolSectionCitations_ExistInDocsProtocol()
    {
        var documents = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["api"] = "http-api.md",
            ["http-api"] = "http-api.md",
            ["federation"] = "federation.md",
            ["data-model"] = "data-model.md",
        };
        var missing = new List<string>();
        var cited = 0;
        foreach (var file in SourceFiles())
        {
            foreach (Match citation in SectionCitation().Matches(File.ReadAllText(file)))
            {
                var document = documents[citation.Groups["doc"].Value];
                var text = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "protocol", document));
                foreach (Capture section in citation.Groups["section"].Captures)
                {
                    cited++;
                    var heading = new Regex($@"^#{{2,4}} {Regex.Escape(section.Value)}(\.|\s)", RegexOptions.Multiline);
                    if (!heading.IsMatch(text))
                    {
                        missing.Add($"{Path.GetRelativePath(RepoPaths.Root, file)}: {citation.Value} (no section {section.Value} in docs/protocol/{document})");
                    }
                }
            }
        }

        Assert.True(cited > 0, "No protocol citation found: is the pattern still right?");
        Assert.True(missing.Count == 0, "Citations of missing protocol sections:\n" + string.Join('\n', missing));
    }

    [Fact]
    public void SourceFiles_DocumentPaths_Exist()
    {
        var cited = SourceFiles().SelectMany(file => DocumentPath().Matches(File.ReadAllText(file))
            .Select(match => (File: Path.GetRelativePath(RepoPaths.Root, file), Path: match.Value))).ToList();

        var missing = cited.Where(c => !File.Exists(Path.Combine(RepoPaths.Root, c.Path))).Select(c => $"{c.File}: {c.Path}").ToList();

        Assert.NotEmpty(cited);
        Assert.True(missing.Count == 0, "Source files cite documents that do not exist:\n" + string.Join('\n', missing));
    }

    [Fact]
    public void SourceFiles_PointNowhereOutsideTheRepository()
    {
        var checker = new[] { nameof(DocReferences) + ".cs", nameof(DocumentationLinkTests) + ".cs" };
        var files = SourceFiles().Where(file => !checker.Contains(Path.GetFileName(file))).ToList();

        var outside = files.SelectMany(file => DocReferences.OutsidePointers(File.ReadAllText(file))
            .Select(pointer => $"{Path.GetRelativePath(RepoPaths.Root, file)}: {pointer}")).ToList();

        Assert.Contains(files, file => file.EndsWith(".ts", StringComparison.Ordinal));
        Assert.True(outside.Count == 0, "Source files point outside the repository:\n" + string.Join('\n', outside));
    }

    /// <summary>
    /// Code, SQL, scripts, Bicep, web sources and CI files of the repository; dependencies, build output
    /// and lock files excluded.
    /// </summary>
    private static IEnumerable<string> SourceFiles() =>
        new[] { "src", "functions", "tests", "scripts", "infra", "bench", "static-web", "tools", ".ci", ".github" }
            .Select(folder => Path.Combine(RepoPaths.Root, folder))
            .Where(Directory.Exists)
            .SelectMany(folder => Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
            .Where(path => Path.GetExtension(path) is ".cs" or ".sql" or ".sh" or ".bicep" or ".ts" or ".tsx" or ".js" or ".mjs"
                or ".json" or ".yml" or ".yaml" or ".html" or "")
            .Where(path => Path.GetFileName(path) != "package-lock.json")
            .Where(path => !path.Split(Path.DirectorySeparatorChar).Any(segment =>
                segment is "bin" or "obj" or "node_modules" or "dist" or "TestResults" or "test-results" or "playwright-report" or ".data"));

    [Theory]
    [InlineData("See `../shared/spec/api.md` for the contract.", "../shared/spec/api.md")]
    [InlineData("The spec (/work/shared/spec/federation.md) says so.", "/work/shared/spec/federation.md")]
    [InlineData("The design note (`shared/design/architecture.md`).", "shared/design/architecture.md")]
    [InlineData("Read [the spec](../../shared/spec/api.md).", "../../shared/spec/api.md")]
    [InlineData("```\ncat /home/me/notes.md\n```", "/home/me/notes.md")]
    public void Check_PointerOutsideTheRepository_IsReported(string text, string target)
    {
        var references = Repository.Check("docs/api.md", text);

        Assert.Contains(references, r => r.Target == target && r.Problem == "points outside the repository");
    }

    [Theory]
    [InlineData("[api](missing.md)", "missing.md", "no such file or folder in the repository")]
    [InlineData("[up](../../outside.md)", "../../outside.md", "leaves the repository")]
    [InlineData("[abs](/docs/api.md)", "/docs/api.md", "absolute path: links must be relative to the document")]
    [InlineData("[anchor](api.md#no-such-heading)", "api.md#no-such-heading", "no heading #no-such-heading in docs/api.md")]
    [InlineData("[here](#nowhere)", "#nowhere", "no heading #nowhere in docs/api.md")]
    [InlineData("Code in `src/D3Chat.Core/NoSuchFolder/Thing.cs`.", "src/D3Chat.Core/NoSuchFolder/Thing.cs", "no such file or folder in the repository")]
    [InlineData("See `nosuch.md`.", "nosuch.md", "no such file or folder in the repository")]
    [InlineData("See `spec/api.md`.", "spec/api.md", "no such file or folder in the repository")]
    [InlineData("Run `./scripts/nosuch`.", "./scripts/nosuch", "no such file or folder in the repository")]
    [InlineData("Under `/src/D3Chat.Core`.", "/src/D3Chat.Core", "absolute path: write it relative to the repository root")]
    public void Check_BrokenReference_IsReportedWithItsReason(string text, string target, string problem)
    {
        var references = Repository.Check("docs/api.md", text);

        var reference = Assert.Single(references);
        Assert.Equal((target, problem), (reference.Target, reference.Problem));
    }

    [Theory]
    [InlineData("[Azure](https://learn.microsoft.com/azure/) and <https://example.org/x.md>")]
    [InlineData("`GET /api/v1/users/me`, `/health`, `/.well-known/d3chat-server`, `/federation/inbox`")]
    [InlineData("`application/json`, `multipart/form-data`, `image/webp`, `X-D3Chat-*`, `user@domain`")]
    [InlineData("`D3Chat.Core`, `Outcome<T>`, `ApiResults.From`, `channel:{id}`, `http://{domain}`, `Version=1.0;`")]
    [InlineData("`{UPLOAD_DIR}/avatars/{user_id}.{ext}`, `api/v1/channels/{channelId}`, `.data/`")]
    public void Check_UrlsRoutesAndIdentifiers_AreNotRepositoryPaths(string text)
    {
        Assert.Empty(Repository.Check("docs/api.md", text));
    }

    [Theory]
    [InlineData("[realtime](realtime.md#events)")]
    [InlineData("[readme](../README.md), [top](#d3chat-http-api-as-built)")]
    [InlineData("`src/D3Chat.Core/Migrations/NNNN_name.sql`, `functions/*`, `tests/D3Chat.Infra.Tests`")]
    [InlineData("`realtime.md`, `docs/deploy.md`, `infra/bicep/main.bicep`, `./scripts/run`")]
    [InlineData("`host.json` of each app, `Migrations/0001_initial_schema.sql`")]
    [InlineData("`static-web/dist` and `src/D3Chat.LocalHost/bin/Release` are build output")]
    [InlineData("screenshots go to `tests/e2e/test-results/screenshots` (ignored by a nested .gitignore)")]
    public void Check_ReferenceInsideTheRepository_Resolves(string text)
    {
        var references = Repository.Check("docs/api.md", text);

        Assert.NotEmpty(references);
        Assert.All(references, reference => Assert.Null(reference.Problem));
    }

    [Fact]
    public void HeadingAnchors_FollowGitHub()
    {
        var anchors = DocReferences.HeadingAnchors("# Inbox — `POST /federation/inbox`\n## 3. Auth\n## 3. Auth\n```\n# not a heading\n```\n");

        Assert.Equal(["3-auth", "3-auth-1", "inbox--post-federationinbox"], anchors.Order(StringComparer.Ordinal));
    }

    [GeneratedRegex("const string \\w+ =\\s*(?:\"\"\"(?<raw>.*?)\"\"\"|\"(?<plain>[^\"]*)\")", RegexOptions.Singleline)]
    private static partial Regex StringConstant();

    [GeneratedRegex(@"\b(?<doc>http-api|api|federation|data-model)\.md §(?<section>\d+(?:\.\d+)?)(?:(?:[–/-]|-§|–§|/§)(?<section>\d+(?:\.\d+)?))?")]
    private static partial Regex SectionCitation();

    [GeneratedRegex(@"(?<![\w/.-])docs/[\w./-]+\.md")]
    private static partial Regex DocumentPath();
}
