using System.Reflection;
using System.Text.RegularExpressions;

namespace D3Chat.Core.Data;

/// <summary>One numbered schema step, read from an embedded <c>Migrations/NNNN_name.sql</c> file.</summary>
public sealed record Migration(int Version, string Name, string Sql);

/// <summary>Finds the migration scripts embedded in this assembly.</summary>
public static partial class MigrationCatalog
{
    [GeneratedRegex(@"\.Migrations\.(?<version>\d{4})_(?<name>[a-z0-9_]+)\.sql$")]
    private static partial Regex ResourceName();

    /// <summary>All embedded resource names under Migrations/, including ones that do not follow the naming rule.</summary>
    public static IReadOnlyList<string> ResourceNames() =>
        typeof(MigrationCatalog).Assembly.GetManifestResourceNames()
            .Where(n => n.Contains(".Migrations.", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>The migrations in version order. Throws when a resource name breaks the NNNN_snake_name.sql rule.</summary>
    public static IReadOnlyList<Migration> Load()
    {
        var assembly = typeof(MigrationCatalog).Assembly;
        var migrations = new List<Migration>();
        foreach (var resource in ResourceNames())
        {
            var match = ResourceName().Match(resource);
            if (!match.Success)
            {
                throw new InvalidOperationException($"Migration resource '{resource}' is not named NNNN_snake_name.sql.");
            }
            migrations.Add(new Migration(
                int.Parse(match.Groups["version"].Value, System.Globalization.CultureInfo.InvariantCulture),
                match.Groups["name"].Value,
                ReadResource(assembly, resource)));
        }
        return migrations.OrderBy(m => m.Version).ToList();
    }

    private static string ReadResource(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Missing resource {resource}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
