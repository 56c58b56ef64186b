using D3Chat.Core.Fanout;
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
            // With Queue__Transport=ServiceBus the "fanout" subscription feeds the same handler as the queue trigger.
            .AddServiceBusChannelEventConsumer(configuration, ServiceBusSubscriptions.Fanout,
                sp => sp.GetRequiredService<FanoutHandler>().HandleAsync);
}
