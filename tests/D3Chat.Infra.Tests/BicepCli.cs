using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;

namespace D3Chat.Infra.Tests;

/// <summary>One diagnostic printed by the Bicep CLI: <c>path(line,col) : Warning rule: text</c>.</summary>
internal sealed record BicepDiagnostic(string File, int Line, string Level, string Code, string Message)
{
    public override string ToString() => $"{File}({Line}): {Level} {Code}: {Message}";
}

internal sealed record BicepRun(int ExitCode, string StandardOutput, string StandardError, IReadOnlyList<BicepDiagnostic> Diagnostics);

/// <summary>
/// Runs the bicep executable of the Azure.Bicep.CommandLine.linux-x64 NuGet package (its path is
/// baked into this assembly at build time). <c>D3CHAT_BICEP</c> overrides it, e.g. on other platforms.
/// </summary>
internal static partial class BicepCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    public static string ExecutablePath { get; } = Locate();

    public static BicepRun Run(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(ExecutablePath)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        // bicep is a single-file .NET app that extracts native parts on first start; give it a
        // writable place even where HOME is unset or read-only.
        start.Environment["DOTNET_BUNDLE_EXTRACT_BASE_DIR"] = Path.Combine(Path.GetTempPath(), "d3chat-bicep-extract");
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("HOME")))
        {
            start.Environment["HOME"] = Path.GetTempPath();
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {ExecutablePath}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish within {Timeout}.");
        }
        process.WaitForExit();
        var error = stderr.GetAwaiter().GetResult();
        return new BicepRun(process.ExitCode, stdout.GetAwaiter().GetResult(), error, ParseDiagnostics(error));
    }

    private static List<BicepDiagnostic> ParseDiagnostics(string text) =>
        text.Split('\n')
            .Select(line => DiagnosticLine().Match(line.TrimEnd('\r')))
            .Where(match => match.Success)
            .Select(match => new BicepDiagnostic(
                Path.GetFullPath(match.Groups["file"].Value),
                int.Parse(match.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture),
                match.Groups["level"].Value,
                match.Groups["code"].Value,
                match.Groups["message"].Value))
            .ToList();

    private static string Locate()
    {
        var path = Environment.GetEnvironmentVariable("D3CHAT_BICEP");
        if (string.IsNullOrWhiteSpace(path))
        {
            path = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .SingleOrDefault(attribute => attribute.Key == "BicepPath")?.Value;
        }
        if (string.IsNullOrWhiteSpace(path) || !File.Exists(path))
        {
            throw new InvalidOperationException(
                $"bicep executable not found at '{path}'. Restore the Azure.Bicep.CommandLine.linux-x64 package, or set D3CHAT_BICEP.");
        }
        return EnsureExecutable(path);
    }

    /// <summary>NuGet does not always keep the execute bit; add it, or run a copy that has it.</summary>
    private static string EnsureExecutable(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return path;
        }
        const UnixFileMode execute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        if ((File.GetUnixFileMode(path) & UnixFileMode.UserExecute) != 0)
        {
            return path;
        }
        try
        {
            File.SetUnixFileMode(path, File.GetUnixFileMode(path) | execute);
            return path;
        }
        catch (UnauthorizedAccessException)
        {
            var copy = Path.Combine(Path.GetTempPath(), $"d3chat-bicep-{Environment.ProcessId}", "bicep");
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(path, copy, overwrite: true);
            File.SetUnixFileMode(copy, File.GetUnixFileMode(copy) | execute | UnixFileMode.UserRead);
            return copy;
        }
    }

    [GeneratedRegex(@"^(?<file>.+?)\((?<line>\d+),(?<col>\d+)\) : (?<level>Error|Warning|Info) (?<code>[^:]+): (?<message>.*)$")]
    private static partial Regex DiagnosticLine();
}
