using D3Chat.Core.Data;

namespace D3Chat.Core.Tests.Data;

public sealed class MigrationCatalogTests
{
    [Fact]
    public void Load_EmbeddedScripts_AreNumberedUniquelyAndContiguouslyFromOne()
    {
        var versions = MigrationCatalog.Load().Select(m => m.Version).ToList();

        Assert.NotEmpty(versions);
        Assert.Equal(Enumerable.Range(1, versions.Count), versions);
    }

    [Fact]
    public void ResourceNames_EveryEmbeddedSqlFile_FollowsTheNamingRule()
    {
        // Load throws on a misnamed file; this pins that every Migrations resource is a migration.
        Assert.Equal(MigrationCatalog.ResourceNames().Count, MigrationCatalog.Load().Count);
    }

    [Fact]
    public void Load_FirstMigrations_CreateEveryTableOfTheDataModelAndTheOutbox()
    {
        var sql = string.Join("\n", MigrationCatalog.Load().Select(m => m.Sql));
        string[] tables =
        [
            "servers", "users", "devices", "sessions", "channels", "channel_members", "messages", "attachments",
            "device_keys", "sender_keys", "audit_logs", "server_settings", "analytics_daily", "outbox",
        ];

        Assert.All(tables, table => Assert.Contains($"CREATE TABLE {table} (", sql, StringComparison.Ordinal));
    }
}
