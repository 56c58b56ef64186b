using System.Diagnostics;
using D3Chat.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace D3Chat.Integration.Tests.Security;

/// <summary>The two security runs of issue 12 item 12 share a collection: each starts its own server, and they run one after the other.</summary>
[CollectionDefinition(Name)]
public sealed class SecuritySuitesCollection
{
    public const string Name = "security suites";
}

/// <summary>
/// Issue 12 item 12, the fuzz run: at least 10,000 requests derived from docs/openapi.json, with a
/// fixed seed, against a server of its own (the run changes settings, bans and deletes users), as a
/// user who owns a channel, as the superadmin and anonymously. No answer may be 500 or more, every
/// 4xx carries a JSON detail, and no 4xx changes the row count of any table. Figures: docs/security.md.
/// </summary>
[Collection(SecuritySuitesCollection.Name)]
public sealed class RouteFuzzTests(ITestOutputHelper output)
{
    public const int Seed = 20261204;

    public const int MinimumRequests = 10_000;

    [Fact]
    public void EveryBodyRoute_HasASeed()
    {
        var missing = RouteTable.Read().Where(o => o.HasBodyMethod && !FuzzSeeds.HasSeed(o.OperationId)).Select(o => o.ToString()).ToList();

        Assert.Empty(missing);
    }

    [Fact]
    public void Generation_IsDeterministic_AndCoversEveryOperation()
    {
        var operations = RouteTable.Read();
        var first = new RouteFuzzer(Seed).Generate(operations, MinimumRequests);
        var second = new RouteFuzzer(Seed).Generate(operations, MinimumRequests);

        Assert.Equal(first.Select(c => c.ToString()), second.Select(c => c.ToString()));
        Assert.True(first.Count >= MinimumRequests);
        Assert.DoesNotContain(operations, o => first.All(c => c.Operation != o));
    }

    [Fact]
    public async Task FuzzRun_NoServerError_EveryRefusalHasADetail_AndStoresNothing()
    {
        var log = new StringWriter();
        var clock = Stopwatch.StartNew();
        await using var server = await D3ChatServer.StartAsync();
        var world = await FuzzWorld.CreateAsync(server);
        var cases = new RouteFuzzer(Seed).Generate(RouteTable.Read(), MinimumRequests);
        await using var runner = new FuzzRunner(server, world, TextWriter.Synchronized(log));

        var sending = Stopwatch.StartNew();
        await runner.RunAsync(cases);
        sending.Stop();

        output.WriteLine($"fuzz run: seed {Seed}, {cases.Count} cases, {runner.Results.Count} requests ({runner.Resent} sent again alone), " +
                         $"{sending.Elapsed.TotalSeconds:F0} s sending, {clock.Elapsed.TotalSeconds:F0} s in all, world renewed {runner.Renewals} times, " +
                         $"{runner.BackgroundChanges} row changes by background work");
        foreach (var category in runner.Results.GroupBy(r => r.Case.Category).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {category.Key}: {category.Count()} requests; " +
                             string.Join(", ", category.GroupBy(r => r.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}×{g.Count()}")));
        }
        output.WriteLine("  statuses: " + string.Join(", ", runner.Results.GroupBy(r => r.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}×{g.Count()}")));
        output.WriteLine(log.ToString());
        foreach (var failure in runner.Failures)
        {
            output.WriteLine("FAIL " + failure);
        }
        Assert.True(runner.Results.Count >= MinimumRequests, $"only {runner.Results.Count} requests");
        Assert.Empty(runner.Failures);
    }
}
