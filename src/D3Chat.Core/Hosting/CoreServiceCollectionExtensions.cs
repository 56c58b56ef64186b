using D3Chat.Core.Channels;
using D3Chat.Core.Auth;
using D3Chat.Core.Crypto;
using D3Chat.Core.Devices;
using D3Chat.Core.Http;
using D3Chat.Core.Settings;
using D3Chat.Core.Users;
using Dapper;
using D3Chat.Core.Data;
using D3Chat.Core.Fanout;
using D3Chat.Core.Health;
using D3Chat.Core.Outbox;
using D3Chat.Core.Queue;
using D3Chat.Core.Redis;
using D3Chat.Core.Retention;
using D3Chat.Core.Realtime;
using D3Chat.Core.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;

namespace D3Chat.Core.Hosting;

public static class CoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers everything the three function apps share. Safe to call more than once (the
    /// LocalHost hosts all three apps in one process), so every registration is a TryAdd.
    /// </summary>
    public static IServiceCollection AddD3ChatCore(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(s => s.ServiceType == typeof(CoreMarker)))
        {
            return services;
        }
        services.AddSingleton<CoreMarker>();

        services.AddOptions<PostgresOptions>().BindConfiguration(PostgresOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RedisOptions>().BindConfiguration(RedisOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<QueueOptions>().BindConfiguration(QueueOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ServerOptions>().BindConfiguration(ServerOptions.Section).ValidateDataAnnotations().ValidateOnStart()
            // Our own domain in its one stored spelling, so every comparison with it is exact.
            .PostConfigure(o => o.Domain = Federation.DomainNames.Normalize(o.Domain) ?? o.Domain);
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section);
        // Dapper maps snake_case columns to PascalCase properties everywhere.
        DefaultTypeMap.MatchNamesWithUnderscores = true;

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => PostgresDataSource.Create(sp.GetRequiredService<IOptions<PostgresOptions>>().Value));
        services.TryAddSingleton<IConnectionMultiplexer>(sp => ConnectRedis(sp.GetRequiredService<IOptions<RedisOptions>>().Value));
        services.TryAddSingleton<RedisKeyspace>();
        services.TryAddSingleton(_ => new StorageAccount(configuration));
        services.TryAddSingleton(_ => QueueNames.From(configuration));
        services.AddRealtime();
        services.TryAddSingleton<IQueueMessageSender, StorageQueueSender>();
        services.TryAddSingleton<StorageQueueConsumer>();
        services.TryAddSingleton<IChannelEventPublisher, StorageQueueChannelEventPublisher>();
        services.TryAddSingleton(_ => ServerSigningKey.FromBase64Seed(configuration["Federation:SigningKeySeed"]));
        services.TryAddSingleton<IRealtimeNotifier, UnconfiguredRealtimeNotifier>();

        services.TryAddSingleton(sp => new Migrator(
            PostgresDataSource.ForMigrations(sp.GetRequiredService<IOptions<PostgresOptions>>().Value, sp.GetRequiredService<NpgsqlDataSource>()),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<Migrator>>()));
        services.AddHostedService<MigrationHostedService>();
        services.AddAccounts();
        services.TryAddSingleton<HealthProbe>();
        services.TryAddSingleton<OutboxStore>();
        services.TryAddSingleton<OutboxPublisher>();
        services.TryAddSingleton<BackgroundOutboxPublisher>();
        services.AddHostedService(sp => sp.GetRequiredService<BackgroundOutboxPublisher>());
        services.TryAddSingleton<OutboxUnitOfWork>();
        services.TryAddSingleton<OutboxSweeper>();
        services.TryAddSingleton<OutboxAdmin>();
        services.TryAddSingleton<ParkedChannelEvents>();
        services.TryAddSingleton<RetentionSweeper>();
        services.TryAddSingleton<IStoredChannelEvents>(sp => sp.GetRequiredService<OutboxStore>());
        services.TryAddSingleton<ChannelEventReferences>();
        services.TryAddSingleton<FanoutHandler>();
        services.TryAddSingleton<ChannelStore>();
        services.TryAddSingleton<IChannelMembership>(sp => sp.GetRequiredService<ChannelStore>());
        services.TryAddSingleton<UserStore>();
        services.TryAddSingleton<DeviceStore>();
        services.TryAddSingleton<SessionStore>();
        services.TryAddSingleton<SettingsStore>();
        services.TryAddSingleton<PasswordHasher>();
        services.TryAddSingleton<AccessTokens>();
        services.TryAddSingleton<AuthGate>();
        services.TryAddSingleton<RequestGate>();
        services.TryAddSingleton<LoginThrottle>();
        services.TryAddSingleton<AuthService>();
        services.AddMessaging();
        services.AddFederation();
        return services;
    }

    // abortConnect=false: a process that starts while Redis is down keeps retrying instead of
    // failing, because Redis only backs degradable features (decision 5).
    private static IConnectionMultiplexer ConnectRedis(RedisOptions options)
    {
        if (!options.Enabled)
        {
            return DisabledRedis.Create();
        }
        var config = ConfigurationOptions.Parse(options.ConnectionString);
        config.AbortOnConnectFail = false;
        return ConnectionMultiplexer.Connect(config);
    }

    private sealed class CoreMarker;
}
