using System.Text;
using System.Text.RegularExpressions;

namespace D3Chat.Infra.Tests;

/// <summary>One link or path a markdown file points at, and why it does not resolve (null when it does).</summary>
internal sealed record DocReference(string File, int Line, string Target, string? Problem)
{
    public override string ToString() => $"{File}:{Line}: {Target} ({Problem})";
}

/// <summary>
/// Finds what a markdown document points at inside the repository and checks that it resolves there:
/// markdown links (inline and reference style, anchors included) and backticked repository paths.
/// A backticked token counts as a path when it looks like one of this repository's files or folders:
/// it starts with a top-level entry of the repository (<c>docs/</c>, <c>src/</c>, ...) or with <c>./</c> or
/// <c>../</c>, or it names a file with a known extension (<c>crypto.md</c>, <c>Migrations/0001_x.sql</c>).
/// URLs, routes such as <c>/api/v1/users/me</c>, media types and code identifiers are not paths.
/// Anything that leaves the repository (an absolute file system path, <c>../</c> above the root, the
/// design folder beside a checkout) is always reported, in prose and code blocks alike.
/// </summary>
internal sealed partial class DocReferences(string root)
{
    private static readonly string[] FileExtensions =
    [
        "md", "cs", "csproj", "sln", "props", "sql", "sh", "json", "bicep", "bicepparam", "ts", "tsx", "js", "mjs",
        "html", "css", "yml", "yaml", "txt", "xml", "toml",
    ];

    private readonly string _root = Path.GetFullPath(root);
    private readonly HashSet<string> _topLevel = Directory.EnumerateFileSystemEntries(root)
        .Select(Path.GetFileName).OfType<string>().Where(name => name != ".git").ToHashSet(StringComparer.Ordinal);
    private readonly IgnoreRule[] _generated = ReadGenerated(Path.GetFullPath(root));
    private readonly Dictionary<string, HashSet<string>> _anchors = new(StringComparer.Ordinal);
    private List<string>? _entries;

    /// <summary>
    /// Every markdown file of the checkout (README.md, docs/**, bench/README.md, ...), relative to the
    /// root with forward slashes; dependencies and build output that .gitignore excludes are skipped.
    /// </summary>
    public IReadOnlyList<string> Documents() =>
        Entries().Where(path => path.EndsWith(".md", StringComparison.Ordinal) && File.Exists(Path.Combine(_root, path)))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>Every reference of <paramref name="document"/> (relative to the root), resolved or not.</summary>
    public IReadOnlyList<DocReference> Check(string document) =>
        Check(document, File.ReadAllText(Path.Combine(_root, document)));

    /// <summary>Every reference of <paramref name="text"/>, read as if it were the file <paramref name="document"/>.</summary>
    public IReadOnlyList<DocReference> Check(string document, string text)
    {
        var found = new List<DocReference>();
        var inFence = false;
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal) || line.TrimStart().StartsWith("~~~", StringComparison.Ordinal))
            {
                inFence = !inFence;
                continue;
            }
            void Add(string target, string? problem) => found.Add(new DocReference(document, i + 1, target, problem));

            foreach (var outside in OutsidePointers(line))
            {
                Add(outside, "points outside the repository");
            }
            if (inFence)
            {
                continue;
            }
            var prose = CodeSpan().Replace(line, match => new string(' ', match.Length));
            var links = InlineLink().Matches(prose).Select(link => link.Groups["target"].Value)
                .Concat(ReferenceDefinition().Matches(prose).Select(definition => definition.Groups["target"].Value));
            foreach (var target in links.Where(target => !UriScheme().IsMatch(target)))
            {
                Add(target, CheckLink(document, target));
            }
            foreach (Match span in CodeSpan().Matches(line))
            {
                foreach (var token in span.Groups["code"].Value.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
                {
                    if (IsRepositoryPath(document, token, out var problem))
                    {
                        Add(token, problem);
                    }
                }
            }
        }
        return found.Distinct().ToList();
    }

    /// <summary>Fragments that can only mean a place outside this repository, wherever they stand.</summary>
    public static IEnumerable<string> OutsidePointers(string text) =>
        OutsidePointer().Matches(text).Select(match => match.Value);

    private string? CheckLink(string document, string target)
    {
        var hash = target.IndexOf('#', StringComparison.Ordinal);
        var pathPart = hash < 0 ? target : target[..hash];
        var anchor = hash < 0 ? null : target[(hash + 1)..];
        if (pathPart.Length == 0)
        {
            return anchor is null || AnchorsOf(document).Contains(anchor) ? null : $"no heading #{anchor} in {document}";
        }
        if (pathPart.StartsWith('/'))
        {
            return "absolute path: links must be relative to the document";
        }
        var resolved = Resolve(DirectoryOf(document), Uri.UnescapeDataString(pathPart));
        if (resolved is null)
        {
            return "leaves the repository";
        }
        if (!Exists(resolved))
        {
            return "no such file or folder in the repository";
        }
        if (anchor is not null && resolved.EndsWith(".md", StringComparison.Ordinal) && !AnchorsOf(resolved).Contains(anchor))
        {
            return $"no heading #{anchor} in {resolved}";
        }
        return null;
    }

    /// <summary>
    /// Whether a backticked token names a file or folder of this repository; if so,
    /// <paramref name="problem"/> says why it does not resolve (null when it does).
    /// </summary>
    private bool IsRepositoryPath(string document, string token, out string? problem)
    {
        problem = null;
        token = token.Trim('"', '\'', ',', ';', ':', '(', ')');
        if (token.Length == 0 || token.Contains("://", StringComparison.Ordinal) || OutsidePointer().IsMatch(token))
        {
            return false; // URLs are not paths; outside pointers were reported already.
        }
        var hash = token.IndexOf('#', StringComparison.Ordinal);
        var path = hash <= 0 ? token : token[..hash];
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0)
        {
            return false;
        }
        if (path.StartsWith('/'))
        {
            // Routes (/api/v1/..., /health) are absolute too; only a repository folder at the start makes a file path.
            problem = "absolute path: write it relative to the repository root";
            return _topLevel.Contains(segments[0]);
        }
        var relativeStart = path.StartsWith("./", StringComparison.Ordinal) || path.StartsWith("../", StringComparison.Ordinal);
        var concrete = ConcretePrefix(segments);
        var looksLikePath = relativeStart || (segments.Length > 1 && _topLevel.Contains(segments[0])) || HasFileExtension(segments[^1]);
        if (!looksLikePath || concrete.Length == 0 || concrete.All(segment => segment is "." or ".."))
        {
            return false; // A pattern such as {user_id}.png names no file of the repository.
        }
        if (IsGenerated(concrete))
        {
            return true;
        }
        // A command such as ./scripts/test runs from the root; other relative tokens are read from the
        // document's folder, the root, or as the tail of a longer repository path (host.json, Migrations/0006_x.sql).
        var candidate = string.Join('/', concrete);
        var fromDocument = Resolve(DirectoryOf(document), candidate);
        var fromRoot = path.StartsWith("../", StringComparison.Ordinal) ? null : Resolve("", candidate);
        if (fromDocument is null && fromRoot is null)
        {
            problem = "leaves the repository";
        }
        else if (!(fromDocument is not null && Exists(fromDocument)) && !(fromRoot is not null && Exists(fromRoot))
                 && (relativeStart || !IsTailOfRepositoryPath(candidate)))
        {
            problem = "no such file or folder in the repository";
        }
        return true;
    }

    /// <summary>The leading segments that hold no placeholder (<c>*</c>, <c>{id}</c>, <c>&lt;name&gt;</c>, <c>NNNN</c>, <c>…</c>).</summary>
    private static string[] ConcretePrefix(string[] segments) =>
        segments.TakeWhile(segment => !Placeholder().IsMatch(segment)).ToArray();

    private static bool HasFileExtension(string segment)
    {
        var dot = segment.LastIndexOf('.');
        return dot > 0 && FileExtensions.Contains(segment[(dot + 1)..], StringComparer.Ordinal);
    }

    /// <summary>Build output and local state that a .gitignore keeps out of a clone (static-web/dist, .data/, tests/e2e/test-results, ...).</summary>
    private bool IsGenerated(string[] segments)
    {
        var path = string.Join('/', segments);
        foreach (var rule in _generated)
        {
            if (rule.Folder.Length > 0 && !path.StartsWith(rule.Folder + "/", StringComparison.Ordinal))
            {
                continue;
            }
            var rest = rule.Folder.Length == 0 ? path : path[(rule.Folder.Length + 1)..];
            if (rule.Pattern.Contains('/')
                ? rest == rule.Pattern || rest.StartsWith(rule.Pattern + "/", StringComparison.Ordinal)
                : rest.Split('/').Contains(rule.Pattern, StringComparer.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>One literal entry of a .gitignore (wildcard and negated entries are not needed here) and the folder it applies under.</summary>
    private sealed record IgnoreRule(string Folder, string Pattern);

    /// <summary>The entries of the root .gitignore and of every nested one (dependency folders are not searched).</summary>
    private static IgnoreRule[] ReadGenerated(string root)
    {
        var rules = new List<IgnoreRule>();
        var folders = new Stack<string>([""]);
        while (folders.TryPop(out var folder))
        {
            var full = Path.Combine(root, folder);
            var gitignore = Path.Combine(full, ".gitignore");
            if (File.Exists(gitignore))
            {
                rules.AddRange(File.ReadAllLines(gitignore)
                    .Select(line => line.Trim().Trim('/'))
                    .Where(line => line.Length > 0 && !line.StartsWith('#') && !line.Contains('*') && !line.StartsWith('!'))
                    .Select(line => new IgnoreRule(folder, line)));
            }
            foreach (var child in Directory.EnumerateDirectories(full))
            {
                var name = Path.GetFileName(child);
                if (name is not (".git" or "node_modules" or "bin" or "obj" or ".data"))
                {
                    folders.Push(folder.Length == 0 ? name : folder + "/" + name);
                }
            }
        }
        return rules.ToArray();
    }

    /// <summary>The root-relative path of <paramref name="relative"/> seen from <paramref name="directory"/>; null when it leaves the root.</summary>
    private string? Resolve(string directory, string relative)
    {
        var full = Path.GetFullPath(Path.Combine(_root, directory, relative));
        var fromRoot = Path.GetRelativePath(_root, full).Replace('\\', '/');
        return fromRoot == ".." || fromRoot.StartsWith("../", StringComparison.Ordinal) || Path.IsPathRooted(fromRoot)
            ? null
            : fromRoot == "." ? "" : fromRoot.TrimEnd('/');
    }

    private bool IsTailOfRepositoryPath(string tail)
    {
        var suffix = "/" + tail.TrimEnd('/');
        return Entries().Any(entry => entry.EndsWith(suffix, StringComparison.Ordinal));
    }

    private List<string> Entries() => _entries ??= Walk("").ToList();

    /// <summary>Files and folders of the checkout, without .git and what .gitignore keeps out of it (node_modules, bin, .data, ...).</summary>
    private IEnumerable<string> Walk(string relative)
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(Path.Combine(_root, relative)))
        {
            var name = Path.GetFileName(entry);
            var path = relative.Length == 0 ? name : relative + "/" + name;
            if (name == ".git" || IsGenerated(path.Split('/')))
            {
                continue;
            }
            yield return path;
            if (Directory.Exists(entry))
            {
                foreach (var inner in Walk(path))
                {
                    yield return inner;
                }
            }
        }
    }

    private bool Exists(string relative)
    {
        var full = Path.Combine(_root, relative);
        return File.Exists(full) || Directory.Exists(full);
    }

    private static string DirectoryOf(string document) => Path.GetDirectoryName(document)?.Replace('\\', '/') ?? "";

    private HashSet<string> AnchorsOf(string document)
    {
        if (!_anchors.TryGetValue(document, out var anchors))
        {
            anchors = HeadingAnchors(File.ReadAllText(Path.Combine(_root, document)));
            _anchors[document] = anchors;
        }
        return anchors;
    }

    /// <summary>The anchors GitHub gives the headings of a markdown text (duplicates numbered -1, -2, ...).</summary>
    public static HashSet<string> HeadingAnchors(string text)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var inFence = false;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inFence = !inFence;
                continue;
            }
            if (inFence || Heading().Match(line) is not { Success: true } heading)
            {
                continue;
            }
            var slug = Slug(heading.Groups["title"].Value);
            var unique = slug;
            for (var n = 1; !anchors.Add(unique); n++)
            {
                unique = $"{slug}-{n}";
            }
        }
        return anchors;
    }

    private static string Slug(string title)
    {
        var text = InlineLink().Replace(title, match => match.Groups["text"].Value);
        var slug = new StringBuilder();
        foreach (var c in text.ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c) || c is '-' or '_')
            {
                slug.Append(c);
            }
            else if (c == ' ')
            {
                slug.Append('-');
            }
        }
        return slug.ToString();
    }

    [GeneratedRegex(@"`+(?<code>[^`]+)`+")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"!?\[(?<text>[^\]]*)\]\((?<target>[^)\s]+)(?:\s+""[^""]*"")?\)")]
    private static partial Regex InlineLink();

    [GeneratedRegex(@"^\s{0,3}\[[^\]]+\]:\s+(?<target>\S+)")]
    private static partial Regex ReferenceDefinition();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9+.-]*:")]
    private static partial Regex UriScheme();

    [GeneratedRegex(@"^#{1,6}\s+(?<title>.+?)\s*#*\s*$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"[*{}<>…]|^N{2,}|^\.\.\.$|\.\.\.")]
    private static partial Regex Placeholder();

    /// <summary>
    /// The design folder that sits beside a checkout (../shared, shared/spec, shared/design) and
    /// absolute paths of a development machine (/work/..., /home/...).
    /// </summary>
    [GeneratedRegex(@"(?:\.\./)+shared\b[^\s`)]*|(?<![\w.-])shared/(?:spec|design)\b[^\s`)]*|(?<![\w.:/-])/(?:work|home|Users)/[^\s`)]*")]
    private static partial Regex OutsidePointer();
}
