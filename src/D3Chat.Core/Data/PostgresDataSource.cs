using Azure.Core;
using D3Chat.Core.Hosting;
using D3Chat.Core.Identity;
using Npgsql;

namespace D3Chat.Core.Data;

/// <summary>
/// The one NpgsqlDataSource of a process. With <c>Postgres__Credential=managedidentity</c> every new
/// physical connection authenticates with a Microsoft Entra access token of the app's identity
/// instead of a password (Azure Database for PostgreSQL Flexible Server, Entra authentication).
/// </summary>
internal static class PostgresDataSource
{
    /// <summary>The audience Azure Database for PostgreSQL accepts Entra tokens for.</summary>
    public const string EntraScope = "https://ossrdbms-aad.database.windows.net/.default";

    /// <summary>
    /// How often the token is asked for again. Azure.Identity caches it and renews it well before it
    /// expires, so asking often costs nothing and no connection ever opens with an expired token.
    /// </summary>
    public static readonly TimeSpan TokenRefreshInterval = TimeSpan.FromMinutes(5);

    /// <summary>Retry interval after a failed token request (Entra or the identity endpoint down).</summary>
    public static readonly TimeSpan TokenRetryInterval = TimeSpan.FromSeconds(10);

    /// <summary>Statements prepared per connection by default (<c>Max Auto Prepare</c>) when not behind PgBouncer.</summary>
    public const int AutoPreparedStatements = 64;

    public static NpgsqlDataSource Create(PostgresOptions options) =>
        Create(options, options.UsesEntraId ? AzureCredentials.For(options.ClientId) : null);

    /// <summary>
    /// The data source of the migrator: a direct one on <see cref="PostgresOptions.DirectPort"/>
    /// when the main connection goes through PgBouncer, else <paramref name="shared"/>.
    /// </summary>
    public static NpgsqlDataSource ForMigrations(PostgresOptions options, NpgsqlDataSource shared)
    {
        var main = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        if (options.DirectPort is not { } port || port == main.Port)
        {
            return shared;
        }
        main.Port = port;
        main.MaxPoolSize = 1;
        return Create(new PostgresOptions { ConnectionString = main.ConnectionString, Credential = options.Credential, ClientId = options.ClientId });
    }

    public static NpgsqlDataSource Create(PostgresOptions options, TokenCredential? credential)
    {
        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
        // Every statement is otherwise parsed and planned on each call (issue 14's profile: prepared
        // ratio 0). Through PgBouncer (a DirectPort is set) server-side prepared statements depend on
        // its version and settings, so they stay off there unless the connection string asks.
        if (options.DirectPort is null && builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = AutoPreparedStatements;
        }
        // A pooled connection is otherwise reset at every rental, and with prepared statements the reset
        // is seven statements (RESET ALL, CLOSE ALL, UNLISTEN, unlocking advisory locks, DISCARDs) ahead
        // of the request's first (issue 14). No code of ours leaves session state behind but the
        // migrator's advisory lock, which is released or keeps its connection out of the pool (SessionLock);
        // an open transaction is rolled back on close either way. A connection string that names the
        // setting keeps its value.
        if (!Names(options.ConnectionString, "noresetonclose"))
        {
            builder.ConnectionStringBuilder.NoResetOnClose = true;
        }
        if (credential is not null)
        {
            builder.UsePeriodicPasswordProvider(PasswordProvider(credential), TokenRefreshInterval, TokenRetryInterval);
        }
        return builder.Build();
    }

    // Npgsql's builder answers every setting it knows, set or not; the plain one lists what was written.
    private static bool Names(string connectionString, string keyword) =>
        new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Any(key => string.Equals(key.Replace(" ", "", StringComparison.Ordinal), keyword, StringComparison.OrdinalIgnoreCase));

    /// <summary>The password callback: an access token for <see cref="EntraScope"/>.</summary>
    public static Func<NpgsqlConnectionStringBuilder, CancellationToken, ValueTask<string>> PasswordProvider(TokenCredential credential) =>
        async (_, ct) => (await credential.GetTokenAsync(new TokenRequestContext([EntraScope]), ct)).Token;
}
