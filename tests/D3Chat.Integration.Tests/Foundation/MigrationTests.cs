using D3Chat.Core.Data;
using D3Chat.Integration.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace D3Chat.Integration.Tests.Foundation;

public sealed class MigrationTests
{
    [Fact]
    public async Task MigrateAsync_RunTwiceOnAFreshDatabase_AppliesEverythingOnceThenNothing()
    {
        var name = $"d3chat_migrate_{Guid.NewGuid():N}"[..30];
        await AdminAsync($"CREATE DATABASE {name}");
        try
        {
            await using var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresAdmin) { Database = name }.ConnectionString);
            var migrator = new Migrator(dataSource, NullLogger<Migrator>.Instance);

            var first = await migrator.MigrateAsync(CancellationToken.None);
            var second = await migrator.MigrateAsync(CancellationToken.None);

            Assert.Equal(MigrationCatalog.Load().Select(m => m.Version), first);
            Assert.Empty(second);
            await using var connection = await dataSource.OpenConnectionAsync();
            Assert.Equal(first.Count, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM schema_migrations"));
            Assert.Equal(9, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM server_settings"));
        }
        finally
        {
            await AdminAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        }
    }

    [Fact]
    public async Task MigrateAsync_ConcurrentRunners_ApplyEachMigrationExactlyOnce()
    {
        var name = $"d3chat_migrate_{Guid.NewGuid():N}"[..30];
        await AdminAsync($"CREATE DATABASE {name}");
        try
        {
            await using var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresAdmin) { Database = name }.ConnectionString);
            var runs = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => new Migrator(dataSource, NullLogger<Migrator>.Instance).MigrateAsync(CancellationToken.None)));

            Assert.Equal(MigrationCatalog.Load().Select(m => m.Version), runs.SelectMany(r => r).Order());
        }
        finally
        {
            await AdminAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        }
    }

    private static async Task AdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.PostgresAdmin);
        await connection.OpenAsync();
        await connection.ExecuteAsync(sql);
    }
}
