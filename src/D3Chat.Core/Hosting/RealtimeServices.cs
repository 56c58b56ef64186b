using D3Chat.Core.Realtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace D3Chat.Core.Hosting;

internal static class RealtimeServices
{
    /// <summary>
    /// Realtime delivery: the SignalR Service notifier when <c>SignalR__ConnectionString</c> is set,
    /// otherwise <see cref="UnconfiguredRealtimeNotifier"/>; plus negotiate, typing and presence.
    /// </summary>
    public static IServiceCollection AddRealtime(this IServiceCollection services)
    {
        services.AddOptions<SignalROptions>().BindConfiguration(SignalROptions.Section);
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SignalROptions>>().Value;
            return new SignalRConnection(SignalREndpoint.Parse(options.ConnectionString), options.HubName);
        });
        services.TryAddSingleton<IRealtimeNotifier>(sp =>
        {
            var connection = sp.GetRequiredService<SignalRConnection>();
            if (connection.Endpoint is not { } endpoint)
            {
                return ActivatorUtilities.CreateInstance<UnconfiguredRealtimeNotifier>(sp);
            }
            // One pooled client per process; connections are recycled so DNS changes are seen.
            var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
            {
                Timeout = Timeout.InfiniteTimeSpan,
            };
            return new SignalRServiceNotifier(http, endpoint, connection.Hub, sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<SignalRServiceNotifier>>());
        });
        services.TryAddSingleton<RealtimeMembershipStore>();
        services.TryAddSingleton<RealtimeNegotiator>();
        services.TryAddSingleton<TypingService>();
        services.TryAddSingleton<PresenceService>();
        return services;
    }
}
