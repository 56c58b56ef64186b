using System.Diagnostics;
using System.Text.Json;
using D3Chat.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace D3Chat.Integration.Tests.Security;

/// <summary>
/// Issue 12 item 12, the authorization matrix: every operation of docs/openapi.json, sent once as
/// each of ten roles (anonymous, user, non-member, member, ex-member, owner, admin, superadmin,
/// banned, suspended) with a valid request, gets exactly the status the table
/// <c>authorization-matrix.tsv</c> names. The table must list every route of openapi.json and no
/// other. Figures: docs/security.md.
/// </summary>
[Collection(SecuritySuitesCollection.Name)]
public sealed class AuthorizationMatrixTests(ITestOutputHelper output)
{
    [Fact]
    public void Table_ListsEveryRouteOfOpenApi_OnceAndNoOther()
    {
        var routes = RouteTable.Read().Select(o => o.ToString()).ToList();
        var rows = AuthorizationMatrix.Read();

        Assert.Empty(routes.Except(rows.Select(r => r.Route)));
        Assert.Empty(rows.Select(r => r.Route).Except(routes));
        Assert.Empty(rows.GroupBy(r => r.Route).Where(g => g.Count() > 1).Select(g => g.Key));
    }

    [Fact]
    public async Task EveryRouteAndRole_GetsTheStatusOfTheTable()
    {
        var clock = Stopwatch.StartNew();
        var operations = RouteTable.Read().ToDictionary(o => o.ToString());
        var rows = AuthorizationMatrix.Read();
        await using var server = await D3ChatServer.StartAsync();
        var world = await MatrixWorld.CreateAsync(server);
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false })
        {
            BaseAddress = server.Host.BaseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };
        var results = new List<(MatrixRow Row, MatrixRole Role, int Status)>();
        var failures = new List<string>();

        foreach (var row in rows)
        {
            var op = operations.TryGetValue(row.Route, out var found) ? found
                : throw new InvalidOperationException($"line {row.Line}: {row.Route} is not in docs/openapi.json");
            foreach (var (role, column) in AuthorizationMatrix.Columns)
            {
                var (status, detail) = await SendAsync(http, world, op, role);
                results.Add((row, role, status));
                if (status != row.Expected[role])
                {
                    failures.Add($"{row.Route} as {column}: expected {row.Expected[role]}, got {status} {detail}");
                }
                if (status is >= 200 and < 300)
                {
                    await world.RenewAfterAsync(op, role);
                }
            }
        }

        output.WriteLine($"authorization matrix: {rows.Count} routes × {AuthorizationMatrix.Columns.Count} roles = {results.Count} cells, " +
                         $"{failures.Count} differ from the table; world renewed {world.Renewals} times; {clock.Elapsed.TotalSeconds:F0} s in all");
        output.WriteLine("  by outcome: " + string.Join(", ", results.GroupBy(r => Outcome(r.Row.Expected[r.Role]))
            .OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}")));
        output.WriteLine("  by expected status: " + string.Join(", ", results.GroupBy(r => r.Row.Expected[r.Role])
            .OrderBy(g => g.Key).Select(g => $"{g.Key}×{g.Count()}")));
        foreach (var (role, column) in AuthorizationMatrix.Columns)
        {
            var cells = results.Where(r => r.Role == role).ToList();
            output.WriteLine($"  {column}: " + string.Join(", ", cells.GroupBy(r => Outcome(r.Row.Expected[role]))
                .OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}")));
        }
        foreach (var failure in failures)
        {
            output.WriteLine("FAIL " + failure);
        }
        Assert.Empty(failures);
    }

    private static string Outcome(int status) => status switch
    {
        >= 200 and < 300 => "allowed (2xx)",
        401 => "401",
        403 => "403",
        _ => "other 4xx past the role check",
    };

    /// <summary>The role's valid request; the status and, for a refusal, the detail (never a body of a success).</summary>
    private static async Task<(int Status, string Detail)> SendAsync(HttpClient http, MatrixWorld world, RouteOperation op, MatrixRole role)
    {
        var path = SeedRequests.Path(op, parameter => world.PathValue(role, parameter));
        using var request = new HttpRequestMessage(new HttpMethod(op.Method), SeedRequests.WithQuery(path, SeedRequests.Escaped(world.Query(op, role))))
        {
            Content = FuzzSeeds.Multipart.Contains(op.OperationId) ? SeedRequests.ValidUpload()
                : world.Body(op, role) is { } body ? FuzzContent.Text(body.ToJsonString()) : null,
        };
        if (world.Account(role) is { } account)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + account.User.Client.AccessToken);
        }
        using var response = await http.SendAsync(request);
        var status = (int)response.StatusCode;
        return (status, status >= 400 ? Detail(await response.Content.ReadAsStringAsync()) : "");
    }

    private static string Detail(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("detail", out var detail) ? detail.ToString() : body;
        }
        catch (JsonException)
        {
            return body.Length > 200 ? body[..200] : body;
        }
    }
}
