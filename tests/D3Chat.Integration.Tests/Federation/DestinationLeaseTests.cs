using D3Chat.Core.Federation;
using D3Chat.Integration.Tests.Infrastructure;
using Dapper;

namespace D3Chat.Integration.Tests.Federation;

/// <summary>
/// The batch sender's lease per destination (migration 0015): one holder at a time, renewable while
/// held, anybody's once it ran out. Statements only, no session state, so it holds through PgBouncer.
/// </summary>
public sealed class DestinationLeaseTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Held_IsRefusedToAnotherRun_AndTakenOnceReleased()
    {
        await using var server = await D3ChatServer.StartAsync();
        await using var source = server.CreateDataSource();
        var leases = new DestinationLeases(source);
        var destination = "peer-" + Guid.NewGuid().ToString("N")[..8] + ".example";

        var first = await leases.TryTakeAsync(destination, Now, Now + Lease, default);
        var meanwhile = await leases.TryTakeAsync(destination, Now, Now + Lease, default);
        var otherDestination = await leases.TryTakeAsync("other-" + destination, Now, Now + Lease, default);
        await first!.DisposeAsync();
        var after = await leases.TryTakeAsync(destination, Now, Now + Lease, default);

        Assert.NotNull(first);
        Assert.Null(meanwhile);
        Assert.NotNull(otherDestination);
        Assert.NotNull(after);
        Assert.NotEqual(first.Holder, after.Holder);
    }

    [Fact]
    public async Task RunOut_IsTakenByAnotherRun_AndTheOldHolderCanNeitherRenewNorReleaseIt()
    {
        await using var server = await D3ChatServer.StartAsync();
        await using var source = server.CreateDataSource();
        var leases = new DestinationLeases(source);
        var destination = "peer-" + Guid.NewGuid().ToString("N")[..8] + ".example";
        var stale = await leases.TryTakeAsync(destination, Now, Now + Lease, default);
        var later = Now + Lease + TimeSpan.FromSeconds(1);

        var renewedBeforeItRanOut = await stale!.RenewAsync(Now + TimeSpan.FromSeconds(10), Now + Lease, default);
        var taken = await leases.TryTakeAsync(destination, later, later + Lease, default);
        var renewedAfter = await stale.RenewAsync(later, later + Lease, default);
        await stale.DisposeAsync();
        var whileTheNewHolderHasIt = await leases.TryTakeAsync(destination, later, later + Lease, default);

        Assert.True(renewedBeforeItRanOut);
        Assert.NotNull(taken);
        Assert.False(renewedAfter);
        Assert.Null(whileTheNewHolderHasIt);
        Assert.True(await taken.RenewAsync(later, later + Lease, default));
    }

    [Fact]
    public async Task ReleaseThatFailed_IsTakenOverByTheSameProcessAtOnce_WhileOthersWaitForItToRunOut()
    {
        await using var server = await D3ChatServer.StartAsync();
        await using var source = server.CreateDataSource();
        var leases = new DestinationLeases(source);
        var otherProcess = new DestinationLeases(source);
        var destination = "peer-" + Guid.NewGuid().ToString("N")[..8] + ".example";
        var held = await leases.TryTakeAsync(destination, Now, Now + Lease, default);
        await using var connection = await source.OpenConnectionAsync();

        // The release fails (the table is briefly out of reach), as it would in a PostgreSQL outage.
        await connection.ExecuteAsync("ALTER TABLE federation_destination_leases RENAME TO leases_out_of_reach");
        await held!.DisposeAsync();
        await connection.ExecuteAsync("ALTER TABLE leases_out_of_reach RENAME TO federation_destination_leases");
        var byAnotherProcess = await otherProcess.TryTakeAsync(destination, Now, Now + Lease, default);
        var byThisProcess = await leases.TryTakeAsync(destination, Now, Now + Lease, default);
        var again = await leases.TryTakeAsync(destination, Now, Now + Lease, default);

        Assert.Null(byAnotherProcess);
        Assert.NotNull(byThisProcess);
        Assert.NotEqual(held.Holder, byThisProcess.Holder);
        Assert.Null(again);
    }
}
