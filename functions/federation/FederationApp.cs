using D3Chat.Core.Federation;
using D3Chat.Core.Hosting;
using D3Chat.Core.Queue;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace D3Chat.Functions.Federation;

/// <summary>Service registrations of the federation app, shared by its Program.cs and the LocalHost.</summary>
public static class FederationApp
{
    public static IServiceCollection AddD3ChatFederation(this IServiceCollection services, IConfiguration configuration) =>
        services.AddD3ChatCore(configuration)
            // With Queue__Transport=ServiceBus the "federation" subscription feeds the same handler as the queue trigger.
            .AddServiceBusChannelEventConsumer(configuration, ServiceBusSubscriptions.Federation,
                sp => sp.GetRequiredService<RelayHandler>().HandleAsync);
}
