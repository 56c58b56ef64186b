using System.Text.RegularExpressions;

namespace D3Chat.LocalHost.Functions;

/// <summary>Resolves <c>%Name%</c> binding expressions from configuration, as the Functions host does.</summary>
internal static partial class AppSettingExpression
{
    [GeneratedRegex("%(?<name>[^%]+)%")]
    private static partial Regex Placeholder();

    public static string Resolve(string expression, IConfiguration configuration) =>
        Placeholder().Replace(expression, match =>
        {
            var name = match.Groups["name"].Value;
            return configuration[name] ?? configuration[name.Replace("__", ":", StringComparison.Ordinal)]
                ?? throw new InvalidOperationException($"The binding expression %{name}% names an app setting that is not set.");
        });
}
