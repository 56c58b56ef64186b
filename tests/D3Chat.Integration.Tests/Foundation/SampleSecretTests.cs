using D3Chat.Integration.Tests.Infrastructure;

namespace D3Chat.Integration.Tests.Foundation;

/// <summary>Issue 12 item 11: the committed sample secrets never serve a non-loopback address.</summary>
public sealed class SampleSecretTests
{
    [Fact]
    public async Task LocalHost_SampleSecretsOnAllInterfaces_RefusesToStart()
    {
        var port = LocalHostProcess.FreePort();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => LocalHostProcess.StartAsync(
            new Dictionary<string, string> { ["ASPNETCORE_URLS"] = $"http://0.0.0.0:{port}" }, waitForHealthy: false, port: port));

        Assert.Contains("exited with code 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("not a loopback address, with the committed sample's Federation__SigningKeySeed and the AccessKey of SignalR__ConnectionString",
            error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LocalHost_OwnSecretsOnAllInterfaces_IsNotRefused()
    {
        var port = LocalHostProcess.FreePort();

        // No database is configured, so the host gets as far as listening: what matters is that the guard let it start.
        await using var host = await LocalHostProcess.StartAsync(new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://0.0.0.0:{port}",
            ["Federation__SigningKeySeed"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["SignalR__ConnectionString"] = $"Endpoint=http://127.0.0.1:{port};AccessKey={Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))};Version=1.0;",
        }, waitForHealthy: false, port: port);

        Assert.DoesNotContain("not a loopback address", host.Output, StringComparison.Ordinal);
    }
}
