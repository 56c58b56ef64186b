using D3Chat.Integration.Tests.Infrastructure;

namespace D3Chat.Integration.Tests.Federation;

/// <summary>Two LocalHosts that federate with each other over loopback, fresh for every test.</summary>
public abstract class TwoPeerTest : IAsyncLifetime
{
    protected D3ChatServer A { get; private set; } = null!;

    protected D3ChatServer B { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var servers = await Task.WhenAll(TwoServerTests.StartPeerAsync(), TwoServerTests.StartPeerAsync());
        (A, B) = (servers[0], servers[1]);
    }

    public async Task DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
    }
}
