using D3Chat.Core.Data;
using D3Chat.Integration.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace D3Chat.Integration.Tests.Foundation;

/// <summary>
/// Pooled connections are not reset on close (PostgresDataSource), so a session advisory lock whose
/// release failed must not go back to the pool with its session.
/// </summary>
public sealed class SessionLockTests
{
    private const string LockSql = "SELECT pg_advisory_lock(@Key)";
    private const string UnlockSql = "SELECT pg_advisory_unlock(@Key)";
    private const string TryLockSql = "SELECT pg_try_advisory_lock(@Key)";

    [Fact]
    public async Task Released_TheSessionStaysPooled_WithoutTheLock()
    {
        var key = Random.Shared.NextInt64();
        await using var source = OnePooledConnection();
        int pid;
        await using (var connection = await LockedConnectionAsync(source, key))
        {
            pid = connection.ProcessID;
            await SessionLock.ReleaseAsync(source, () => connection.ExecuteScalarAsync<bool>(UnlockSql, new { Key = key }));
        }

        await using var again = await source.OpenConnectionAsync();
        Assert.Equal(pid, again.ProcessID);
        Assert.True(await TryLockElsewhereAsync(key));
    }

    [Fact]
    public async Task ReleaseThatThrows_EndsTheSession_SoItsLockIsGone()
    {
        var key = Random.Shared.NextInt64();
        await using var source = OnePooledConnection();
        int pid;
        await using (var connection = await LockedConnectionAsync(source, key))
        {
            pid = connection.ProcessID;
            var failure = await Assert.ThrowsAsync<TimeoutException>(() =>
                SessionLock.ReleaseAsync(source, () => Task.FromException<bool>(new TimeoutException("the unlock never answered"))));
            Assert.Equal("the unlock never answered", failure.Message);
        }

        await using var again = await source.OpenConnectionAsync();
        Assert.NotEqual(pid, again.ProcessID);
        await Eventually.TrueAsync(() => TryLockElsewhereAsync(key), TimeSpan.FromSeconds(10), "the lock of the closed session released");
    }

    [Fact]
    public async Task TakeThatThrows_EndsTheSession()
    {
        await using var source = OnePooledConnection();
        int pid;
        await using (var connection = await source.OpenConnectionAsync())
        {
            pid = connection.ProcessID;
            await Assert.ThrowsAsync<OperationCanceledException>(() =>
                SessionLock.TakeAsync(source, () => Task.FromException<bool>(new OperationCanceledException())));
        }

        await using var again = await source.OpenConnectionAsync();
        Assert.NotEqual(pid, again.ProcessID);
    }

    // Pooled without reset, as the product's data source is, with one connection so a reopen gets it back.
    private static NpgsqlDataSource OnePooledConnection() =>
        NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresAdmin) { MaxPoolSize = 1, NoResetOnClose = true }.ConnectionString);

    // The source's one connection, holding the session lock on key.
    private static async Task<NpgsqlConnection> LockedConnectionAsync(NpgsqlDataSource source, long key)
    {
        var connection = await source.OpenConnectionAsync();
        await SessionLock.TakeAsync(source, () => connection.ExecuteAsync(LockSql, new { Key = key }));
        return connection;
    }

    private static async Task<bool> TryLockElsewhereAsync(long key)
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.PostgresAdmin);
        await connection.OpenAsync();
        return await connection.ExecuteScalarAsync<bool>(TryLockSql, new { Key = key });
    }
}
