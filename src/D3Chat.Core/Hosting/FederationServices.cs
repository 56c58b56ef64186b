using D3Chat.Core.Federation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace D3Chat.Core.Hosting;

internal static class FederationServices
{
    /// <summary>Federation: signing verification, discovery, inbox, relay with durable per-destination delivery, admin view.</summary>
    public static IServiceCollection AddFederation(this IServiceCollection services)
    {
        services.AddOptions<FederationOptions>().BindConfiguration(FederationOptions.Section);
        services.TryAddSingleton<PeerConnector>();
        // Every outbound federation request: public addresses only (checked when connecting) and no
        // redirects, which could otherwise send a signed request or a discovery anywhere.
        services.AddHttpClient(PeerDiscovery.HttpClientName).ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            ConnectCallback = sp.GetRequiredService<PeerConnector>().ConnectAsync,
        });
        services.TryAddSingleton<ServerStore>();
        services.TryAddSingleton<IPeerServerStore>(sp => sp.GetRequiredService<ServerStore>());
        services.TryAddSingleton<PeerDiscovery>();
        services.TryAddSingleton<FederationRequestVerifier>();
        services.TryAddSingleton<SignedRequestReplays>();
        services.TryAddSingleton<FederationStore>();
        services.TryAddSingleton<InboxHandlers>();
        services.TryAddSingleton<FederationInbox>();
        services.TryAddSingleton<FederationGetClient>();
        services.TryAddSingleton<UserLookup>();
        services.TryAddSingleton<RelayStore>();
        services.TryAddSingleton<RelayEventMapper>();
        services.TryAddSingleton<DeliveryStore>();
        services.TryAddSingleton<DestinationLeases>();
        services.TryAddSingleton<FederationSender>();
        services.TryAddSingleton<DeliveryProcessor>();
        services.TryAddSingleton<RelayHandler>();
        services.TryAddSingleton<FederationAdmin>();
        // After the migration service (registered earlier in AddD3ChatCore), so servers exists.
        services.AddHostedService<LocalServerRegistration>();
        return services;
    }
}
