using Azure.Messaging.ServiceBus;
using D3Chat.Core.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace D3Chat.Core.Queue;

public static class ServiceBusConsumerRegistration
{
    /// <summary>
    /// When <c>Queue__Transport</c> is <c>ServiceBus</c>, runs <paramref name="handler"/> for every
    /// message of <paramref name="subscription"/> in a background service. Otherwise does nothing:
    /// the app's <c>[QueueTrigger]</c> function consumes its Storage queue instead.
    /// </summary>
    public static IServiceCollection AddServiceBusChannelEventConsumer(this IServiceCollection services, IConfiguration configuration,
        string subscription, Func<IServiceProvider, Func<string, CancellationToken, Task>> handler)
    {
        if (!string.Equals(configuration[$"{QueueOptions.Section}:{nameof(QueueOptions.Transport)}"], QueueTransports.ServiceBus, StringComparison.OrdinalIgnoreCase))
        {
            return services;
        }
        return services.AddSingleton<IHostedService>(sp => new ServiceBusChannelEventProcessor(
            sp.GetRequiredService<ServiceBusClient>(),
            sp.GetRequiredService<IOptions<QueueOptions>>().Value.TopicName,
            subscription,
            sp.GetRequiredService<IOptions<ServiceBusConsumerOptions>>().Value,
            handler(sp),
            sp.GetRequiredService<ILogger<ServiceBusChannelEventProcessor>>()));
    }
}
