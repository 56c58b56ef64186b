using D3Chat.Core.Data;
using D3Chat.Core.Hosting;
using Npgsql;

namespace D3Chat.Core.Tests.Data;

public sealed class AutoPrepareTests
{
    [Fact]
    public async Task DataSource_DirectToPostgres_PreparesStatementsAutomatically()
    {
        await using var source = PostgresDataSource.Create(new PostgresOptions { ConnectionString = "Host=db;Username=u" });

        Assert.Equal(PostgresDataSource.AutoPreparedStatements, new NpgsqlConnectionStringBuilder(source.ConnectionString).MaxAutoPrepare);
    }

    [Fact]
    public async Task DataSource_BehindPgBouncer_LeavesAutoPrepareOff()
    {
        await using var source = PostgresDataSource.Create(new PostgresOptions { ConnectionString = "Host=db;Port=6432;Username=u", DirectPort = 5432 });

        Assert.Equal(0, new NpgsqlConnectionStringBuilder(source.ConnectionString).MaxAutoPrepare);
    }

    [Fact]
    public async Task DataSource_WithMaxAutoPrepareInTheConnectionString_KeepsIt()
    {
        await using var source = PostgresDataSource.Create(new PostgresOptions { ConnectionString = "Host=db;Username=u;Max Auto Prepare=5" });

        Assert.Equal(5, new NpgsqlConnectionStringBuilder(source.ConnectionString).MaxAutoPrepare);
    }

    [Fact]
    public async Task DataSource_ByDefault_DoesNotResetPooledConnections()
    {
        await using var source = PostgresDataSource.Create(new PostgresOptions { ConnectionString = "Host=db;Username=u" });

        Assert.True(new NpgsqlConnectionStringBuilder(source.ConnectionString).NoResetOnClose);
    }

    [Theory]
    [InlineData("No Reset On Close=false")]
    [InlineData("NoResetOnClose=false")]
    public async Task DataSource_WithNoResetOnCloseInTheConnectionString_KeepsIt(string setting)
    {
        await using var source = PostgresDataSource.Create(new PostgresOptions { ConnectionString = $"Host=db;Username=u;{setting}" });

        Assert.False(new NpgsqlConnectionStringBuilder(source.ConnectionString).NoResetOnClose);
    }
}
