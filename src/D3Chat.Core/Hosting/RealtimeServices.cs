using Azure.Messaging.ServiceBus;
using D3Chat.Core.Queue;
using D3Chat.Core.Realtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace D3Chat.Core.Hosting;

internal static class RealtimeServices
{
    private const string SignalRHttpClientKey = "signalr";

    /// <summary>
    /// Realtime delivery: the SignalR Service notifier when <c>SignalR__ConnectionString</c> is set,
    /// otherwise <see cref="UnconfiguredRealtimeNotifier"/>; plus negotiate, typing and presence.
    /// </summary>
    public static IServiceCollection AddRealtime(this IServiceCollection services)
    {
        services.AddOptions<SignalROptions>().BindConfiguration(SignalROptions.Section);
        // One pooled client per process for REST calls and token requests; connections are recycled so DNS changes are seen.
        services.TryAddKeyedSingleton(SignalRHttpClientKey, (_, _) => new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        });
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SignalROptions>>().Value;
            var endpoint = SignalREndpoint.Parse(options.ConnectionString);
            var authorizer = endpoint is null ? null : ISignalRAuthorizer.For(endpoint, options.HubName,
                sp.GetRequiredKeyedService<HttpClient>(SignalRHttpClientKey), sp.GetRequiredService<TimeProvider>());
            return new SignalRConnection(endpoint, options.HubName, authorizer);
        });
        services.TryAddSingleton<IRealtimeNotifier>(sp =>
        {
            var connection = sp.GetRequiredService<SignalRConnection>();
            if (connection.Endpoint is not { } endpoint)
            {
                return ActivatorUtilities.CreateInstance<UnconfiguredRealtimeNotifier>(sp);
            }
            return new SignalRServiceNotifier(sp.GetRequiredKeyedService<HttpClient>(SignalRHttpClientKey), endpoint, connection.Hub,
                sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<SignalRServiceNotifier>>(), authorizer: connection.Authorizer);
        });
        services.AddServiceBusTransport();
        services.TryAddSingleton<RealtimeNegotiator>();
        services.TryAddSingleton<TypingService>();
        services.TryAddSingleton<PresenceService>();
        return services;
    }

    /// <summary>
    /// With <c>Queue__Transport=ServiceBus</c> channel events are published to the topic and parked in
    /// its subscriptions' dead-letter queues; otherwise the Storage queues and their poison queues.
    /// </summary>
    private static void AddServiceBusTransport(this IServiceCollection services)
    {
        services.AddOptions<ServiceBusConsumerOptions>().BindConfiguration(QueueOptions.Section);
        services.TryAddSingleton(sp => ServiceBusClientFactory.Create(sp.GetRequiredService<IConfiguration>()));
        services.TryAddSingleton<IChannelEventPublisher>(sp =>
        {
            var queue = sp.GetRequiredService<IOptions<QueueOptions>>().Value;
            return queue.Transport == QueueTransports.ServiceBus
                ? new ServiceBusChannelEventPublisher(sp.GetRequiredService<ServiceBusClient>().CreateSender(queue.TopicName))
                : ActivatorUtilities.CreateInstance<StorageQueueChannelEventPublisher>(sp);
        });
        services.TryAddSingleton<IParkedEventQueues>(sp =>
        {
            var queue = sp.GetRequiredService<IOptions<QueueOptions>>().Value;
            return queue.Transport == QueueTransports.ServiceBus
                ? new ServiceBusDeadLetterQueues(sp.GetRequiredService<ServiceBusClient>(), queue.TopicName,
                    sp.GetRequiredService<ILogger<ServiceBusDeadLetterQueues>>())
                : ActivatorUtilities.CreateInstance<PoisonQueues>(sp);
        });
    }
}
