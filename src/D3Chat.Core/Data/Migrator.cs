using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace D3Chat.Core.Data;

/// <summary>
/// Applies the embedded migrations in order. Three function apps may cold-start at once, so the
/// whole run holds a session-level advisory lock; each migration commits in its own transaction
/// together with its <c>schema_migrations</c> row. Once the schema is current a run is one lock,
/// one small SELECT and one unlock.
/// </summary>
public sealed class Migrator(NpgsqlDataSource dataSource, ILogger<Migrator> logger)
{
    // An arbitrary constant shared by every D3Chat process that migrates this database.
    private const long AdvisoryLockKey = 0x0D3C_4A7_0001;

    private const string CreateJournalSql = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version    integer PRIMARY KEY,
            name       text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """;
    private const string LockSql = "SELECT pg_advisory_lock(@key)";
    private const string UnlockSql = "SELECT pg_advisory_unlock(@key)";
    private const string AppliedVersionsSql = "SELECT version FROM schema_migrations";
    private const string RecordSql = "INSERT INTO schema_migrations (version, name) VALUES (@Version, @Name)";

    /// <summary>Brings the schema up to date and returns the versions it applied (empty when current).</summary>
    public async Task<IReadOnlyList<int>> MigrateAsync(CancellationToken ct)
    {
        var migrations = MigrationCatalog.Load();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await SessionLock.TakeAsync(dataSource, () => connection.ExecuteAsync(new CommandDefinition(LockSql, new { key = AdvisoryLockKey }, cancellationToken: ct)));
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(CreateJournalSql, cancellationToken: ct));
            var applied = (await connection.QueryAsync<int>(new CommandDefinition(AppliedVersionsSql, cancellationToken: ct))).ToHashSet();
            var done = new List<int>();
            foreach (var migration in migrations.Where(m => !applied.Contains(m.Version)))
            {
                await using var tx = await connection.BeginTransactionAsync(ct);
                await connection.ExecuteAsync(new CommandDefinition(migration.Sql, transaction: tx, cancellationToken: ct));
                await connection.ExecuteAsync(new CommandDefinition(RecordSql, migration, tx, cancellationToken: ct));
                await tx.CommitAsync(ct);
                logger.LogInformation("Applied migration {Version} {Name}", migration.Version, migration.Name);
                done.Add(migration.Version);
            }
            return done;
        }
        finally
        {
            await SessionLock.ReleaseAsync(dataSource, () =>
                connection.ExecuteScalarAsync<bool>(new CommandDefinition(UnlockSql, new { key = AdvisoryLockKey }, cancellationToken: CancellationToken.None)));
        }
    }
}
