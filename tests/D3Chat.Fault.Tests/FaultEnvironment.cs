using D3Chat.Client;
using D3Chat.Integration.Tests.Infrastructure;

namespace D3Chat.Fault.Tests;

/// <summary>
/// Private services and two federating LocalHosts (A and B) on them, with one user on each. The
/// linked integration infrastructure reads its service settings from the D3CHAT_TEST_* variables,
/// so they are pointed at the private services here, in this test process only.
/// </summary>
public sealed class FaultEnvironment : IAsyncLifetime
{
    public PrivateServices Services { get; private set; } = null!;

    public D3ChatServer A { get; private set; } = null!;

    public D3ChatServer B { get; private set; } = null!;

    public D3ChatClient Alice { get; private set; } = null!;

    public D3ChatClient Bob { get; private set; } = null!;

    public Guid BobOnA { get; private set; }

    public async Task InitializeAsync()
    {
        Services = await PrivateServices.StartAsync();
        Environment.SetEnvironmentVariable("D3CHAT_TEST_POSTGRES", Services.PostgresAdmin);
        Environment.SetEnvironmentVariable("D3CHAT_TEST_REDIS", Services.Redis);
        Environment.SetEnvironmentVariable("D3CHAT_TEST_STORAGE", Services.Storage);
        var settings = new Dictionary<string, string>
        {
            // Short, so recovery is measured in seconds: the sweep every second with a 1 s backoff
            // base, poison queues re-driven every 2 s once PostgreSQL answers.
            ["OutboxSweepSchedule"] = "*/1 * * * * *",
            ["Queue__OutboxRetryBaseSeconds"] = "1",
            ["PoisonRedriveSchedule"] = "*/2 * * * * *",
            // Spec §4 allows 100 inbox events per origin and minute; this load sends ~15 a second.
            ["Federation__InboxRatePerMinute"] = "100000",
            // A killed LocalHost's in-flight queue messages reappear after this (the Functions host: 10 min).
            ["LocalHost__QueueLease"] = "00:00:15",
        };
        var servers = await Task.WhenAll(D3ChatServer.StartPeerAsync(settings), D3ChatServer.StartPeerAsync(settings));
        (A, B) = (servers[0], servers[1]);

        Alice = A.CreateClient();
        await Alice.RegisterAsync(Names.Username("alice"), Names.Password);
        Bob = B.CreateClient();
        var bobName = Names.Username("bob");
        await Bob.RegisterAsync(bobName, Names.Password);
        BobOnA = (await Alice.LookupUserAsync($"{bobName}@{B.Settings["Server__Domain"]}")).Id;
    }

    /// <summary>A new channel on A with Bob from B as a member, materialised on B.</summary>
    public async Task<Guid> CreateFederatedChannelAsync(string name)
    {
        var channel = await Alice.CreateChannelAsync(name, isPublic: false);
        await Alice.AddMemberAsync(channel.Id, BobOnA);
        await Eventually.TrueAsync(async () => (await Bob.ListChannelsAsync()).Any(c => c.Id == channel.Id), TimeSpan.FromSeconds(60), "B to materialise the channel");
        return channel.Id;
    }

    public async Task DisposeAsync()
    {
        // Pooled admin connections from before a PostgreSQL restart are dead; the drops need fresh ones.
        Npgsql.NpgsqlConnection.ClearAllPools();
        try
        {
            if (A is not null)
            {
                await A.DisposeAsync();
            }
        }
        finally
        {
            try
            {
                if (B is not null)
                {
                    await B.DisposeAsync();
                }
            }
            finally
            {
                if (Services is not null)
                {
                    await Services.DisposeAsync();
                }
            }
        }
    }
}
