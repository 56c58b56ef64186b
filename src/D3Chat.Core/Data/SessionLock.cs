using Npgsql;

namespace D3Chat.Core.Data;

/// <summary>
/// Session-level advisory locks on pooled connections. The pool does not reset a connection when it
/// is given back (<c>No Reset On Close</c>, <see cref="PostgresDataSource"/>), so a session lock that
/// was not released would stay with the pooled session and block whoever asks for it next, for as
/// long as that physical connection lives. Whenever taking or releasing such a lock fails, the pool is
/// therefore cleared: the lock's connection, which must come from it, is closed instead of pooled when
/// it is disposed, and PostgreSQL drops the locks of a session that ends. (Clearing also closes the
/// pool's idle connections; it only happens on a failure, when the connection is most likely broken.)
/// </summary>
public static class SessionLock
{
    /// <summary>
    /// Runs the statement that takes the lock. If it throws, a cancellation may have raced the grant
    /// and the session may hold the lock all the same, so the connection is not pooled again.
    /// </summary>
    public static async Task<T> TakeAsync<T>(NpgsqlDataSource dataSource, Func<Task<T>> take)
    {
        try
        {
            return await take();
        }
        catch
        {
            dataSource.Clear();
            throw;
        }
    }

    /// <summary>
    /// Runs the statement that releases the lock (<c>pg_advisory_unlock</c>, true when it was held).
    /// If it throws or answers false, the connection is not pooled again.
    /// </summary>
    public static async Task ReleaseAsync(NpgsqlDataSource dataSource, Func<Task<bool>> release)
    {
        var released = false;
        try
        {
            released = await release();
        }
        finally
        {
            if (!released)
            {
                dataSource.Clear();
            }
        }
    }
}
