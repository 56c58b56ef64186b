using D3Chat.Integration.Tests.Infrastructure;

namespace D3Chat.Integration.Tests.Security;

/// <summary>One row of the matrix: an operation (<c>METHOD /template</c>), the status each role must get, and why.</summary>
public sealed record MatrixRow(int Line, string Route, IReadOnlyDictionary<MatrixRole, int> Expected, string Note);

/// <summary>
/// The authorization matrix table, <c>Security/authorization-matrix.tsv</c>: a header row naming the
/// role columns, one row per operation with the exact status of each role, and a note. Lines
/// starting with <c>#</c> explain the roles and targets.
/// </summary>
public static class AuthorizationMatrix
{
    public static readonly string FilePath =
        Path.Combine(TestEnvironment.RepoRoot, "tests", "D3Chat.Integration.Tests", "Security", "authorization-matrix.tsv");

    /// <summary>The column name of each role, in the table's order.</summary>
    public static readonly IReadOnlyList<(MatrixRole Role, string Column)> Columns =
    [
        (MatrixRole.Anonymous, "anonymous"), (MatrixRole.User, "user"), (MatrixRole.NonMember, "non-member"), (MatrixRole.Member, "member"),
        (MatrixRole.ExMember, "ex-member"), (MatrixRole.Owner, "owner"), (MatrixRole.Admin, "admin"), (MatrixRole.Superadmin, "superadmin"),
        (MatrixRole.Banned, "banned"), (MatrixRole.Suspended, "suspended"),
    ];

    private static readonly string[] Header = ["route", .. Columns.Select(c => c.Column), "note"];

    public static IReadOnlyList<MatrixRow> Read()
    {
        var lines = File.ReadAllLines(FilePath).Select((text, index) => (Text: text, Number: index + 1))
            .Where(l => l.Text.Length > 0 && !l.Text.StartsWith('#')).ToList();
        if (lines.Count == 0 || !lines[0].Text.Split('\t').SequenceEqual(Header))
        {
            throw new InvalidDataException($"{FilePath}: the first row must be the header: {string.Join(" ", Header)}");
        }
        return lines.Skip(1).Select(line =>
        {
            var cells = line.Text.Split('\t');
            if (cells.Length != Header.Length)
            {
                throw new InvalidDataException($"{FilePath}:{line.Number}: {cells.Length} cells, expected {Header.Length}");
            }
            var expected = Columns.Select((c, i) => (c.Role, Text: cells[i + 1])).ToDictionary(
                c => c.Role,
                c => int.TryParse(c.Text, out var status) && status is >= 200 and < 600
                    ? status : throw new InvalidDataException($"{FilePath}:{line.Number}: '{c.Text}' is not a status"));
            return new MatrixRow(line.Number, cells[0], expected, cells[^1]);
        }).ToList();
    }
}
