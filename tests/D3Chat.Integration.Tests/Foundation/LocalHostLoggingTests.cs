using D3Chat.Integration.Tests.Infrastructure;

namespace D3Chat.Integration.Tests.Foundation;

/// <summary>
/// The LocalHost reads its own appsettings.json whatever the working directory (the scripts start it
/// from the repository root): requests are not logged one Information line per step. Before, five
/// console lines per request cost the message path about a tenth of the LocalHost's CPU (bench/README.md).
/// </summary>
public sealed class LocalHostLoggingTests
{
    [Fact]
    public async Task Requests_StartedFromTheRepositoryRoot_WriteNoPerRequestInformationLines()
    {
        await using var server = await D3ChatServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.Host.BaseAddress };

        for (var i = 0; i < 3; i++)
        {
            using var response = await http.GetAsync(new Uri("/api/v1/config", UriKind.Relative));
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        }
        // The console logger writes from its own queue: give it time to print what it was given.
        await Task.Delay(TimeSpan.FromSeconds(1));

        Assert.DoesNotContain("Request starting", server.Host.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Executing endpoint", server.Host.Output, StringComparison.Ordinal);
    }
}
