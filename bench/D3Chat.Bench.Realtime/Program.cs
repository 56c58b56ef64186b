using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using D3Chat.Client;

namespace D3Chat.Bench.Realtime;

/// <summary>
/// The load generator of <c>scripts/bench</c>: against running LocalHosts (it starts none itself) it
/// measures, in one run, raw inserts (pgbench) beside message POST throughput, GET /users/me,
/// POST → <c>message.new</c> with several receivers, federation relay latency and a burst, and the
/// CPU seconds per 1,000 messages of each process. Results go to a JSON file and a Markdown table.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        Options? options;
        try
        {
            options = Options.Parse(args);
        }
        catch (FormatException ex)
        {
            Console.Error.WriteLine(ex.Message);
            options = null;
        }
        if (options is null)
        {
            Console.Error.WriteLine(Options.Usage);
            return 2;
        }
        try
        {
            var results = await new Scenarios(options).RunAsync();
            await File.WriteAllTextAsync(options.Out, results.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
            // A profile run (--only) has too few figures for the table; its JSON is the record.
            var table = options.Only is null ? Report.Markdown(results) : results.ToJsonString();
            if (options.Markdown is not null)
            {
                await File.WriteAllTextAsync(options.Markdown, table);
            }
            Console.WriteLine(table);
            return 0;
        }
        catch (ApiException ex) when (ex.Status == HttpStatusCode.TooManyRequests)
        {
            Console.Error.WriteLine("The server answered 429: start it with RateLimit__PerMinute=1000000 (scripts/bench does).");
            return 1;
        }
    }

    public static JsonObject Machine() => new()
    {
        ["logical_cpus"] = Environment.ProcessorCount,
        ["os"] = RuntimeInformation.OSDescription,
        ["architecture"] = RuntimeInformation.OSArchitecture.ToString(),
        ["dotnet"] = RuntimeInformation.FrameworkDescription,
    };
}
