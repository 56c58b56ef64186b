using D3Chat.Core.Fanout;
using D3Chat.Core.Health;
using D3Chat.Core.Hosting;
using D3Chat.Core.Queue;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace D3Chat.Functions.Fanout;

/// <summary>Service registrations of the fanout app, shared by its Program.cs and the LocalHost.</summary>
public static class FanoutApp
{
    public static IServiceCollection AddD3ChatFanout(this IServiceCollection services, IConfiguration configuration) =>
        services.AddD3ChatCore(configuration)
            // Fanout only consumes (Data Receiver on its subscription), so its health check peeks there.
            .Configure<HealthProbeOptions>(o => o.ServiceBusSubscription ??= ServiceBusSubscriptions.Fanout)
            // With Queue__Transport=ServiceBus the "fanout" subscription feeds the same handler as the queue trigger.
            .AddServiceBusChannelEventConsumer(configuration, ServiceBusSubscriptions.Fanout,
                sp => sp.GetRequiredService<FanoutHandler>().HandleAsync);
}
