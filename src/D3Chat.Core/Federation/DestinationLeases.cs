using System.Collections.Concurrent;
using Dapper;
using Npgsql;

namespace D3Chat.Core.Federation;

/// <summary>
/// SQL of <c>federation_destination_leases</c>: which relay run sends batches to a destination, so one
/// batch at a time is in flight per peer across every instance (migration 0015 says why a lease row and
/// not a session-level advisory lock: PgBouncer). A lease runs out at <c>expires_at</c> unless its
/// holder renews it; an expired lease is anybody's.
/// </summary>
/// <remarks>
/// A release that fails (PostgreSQL unreachable at that moment) would leave this process's own lease
/// blocking its next run to the peer until it expired, as long after a short outage as the lease lasts.
/// Such a lease belongs to a run of this process that has ended, so this process remembers it and takes
/// it over at its next attempt; other processes still wait for it to run out.
/// </remarks>
public sealed class DestinationLeases(NpgsqlDataSource dataSource)
{
    // Taken when there is no row, the row has expired, or it is one this process failed to release.
    private const string TakeSql = """
        INSERT INTO federation_destination_leases AS l (destination, holder, expires_at) VALUES (@Destination, @Holder, @ExpiresAt)
        ON CONFLICT (destination) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
        WHERE l.expires_at <= @Now OR l.holder = @Unreleased
        RETURNING holder
        """;
    private const string RenewSql = """
        UPDATE federation_destination_leases SET expires_at = @ExpiresAt
        WHERE destination = @Destination AND holder = @Holder AND expires_at > @Now
        """;
    private const string ReleaseSql = "DELETE FROM federation_destination_leases WHERE destination = @Destination AND holder = @Holder";

    // Per destination, the last lease this process failed to release: the destination has one row, so an
    // older one it failed to release was replaced by a later lease of its own or has run out.
    private readonly ConcurrentDictionary<string, Guid> _unreleased = new();

    /// <summary>The destination's lease until <paramref name="expiresAt"/>, or null while another run holds it.</summary>
    public async Task<DestinationLease?> TryTakeAsync(string destination, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken ct)
    {
        var holder = Guid.NewGuid();
        var unreleased = _unreleased.GetValueOrDefault(destination);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var taken = await connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(
            TakeSql, new { Destination = destination, Holder = holder, Now = now, ExpiresAt = expiresAt, Unreleased = unreleased }, cancellationToken: ct));
        // Taken over, or gone (expired and taken by another): either way it is not ours any more.
        _unreleased.TryRemove(KeyValuePair.Create(destination, unreleased));
        return taken == holder ? new DestinationLease(this, destination, holder) : null;
    }

    /// <summary>Extends a lease still held; false when it ran out (another run may hold it now).</summary>
    internal async Task<bool> RenewAsync(DestinationLease lease, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            RenewSql, new { lease.Destination, lease.Holder, Now = now, ExpiresAt = expiresAt }, cancellationToken: ct)) == 1;
    }

    // A release that fails (PostgreSQL unreachable) must not hide whatever the holder's run threw; the
    // lease is remembered and taken over by this process's next run to the destination.
    internal async Task ReleaseAsync(DestinationLease lease)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await connection.ExecuteAsync(ReleaseSql, new { lease.Destination, lease.Holder });
        }
        catch (NpgsqlException)
        {
            _unreleased[lease.Destination] = lease.Holder;
        }
    }
}

/// <summary>A held lease; disposing it lets go (a failed release only leaves it to expire).</summary>
public sealed class DestinationLease(DestinationLeases leases, string destination, Guid holder) : IAsyncDisposable
{
    public string Destination { get; } = destination;

    public Guid Holder { get; } = holder;

    /// <inheritdoc cref="DestinationLeases.RenewAsync"/>
    public Task<bool> RenewAsync(DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken ct) => leases.RenewAsync(this, now, expiresAt, ct);

    public async ValueTask DisposeAsync() => await leases.ReleaseAsync(this);
}
