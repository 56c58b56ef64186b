using D3Chat.Core.Realtime;
using Microsoft.AspNetCore.SignalR;

namespace D3Chat.LocalHost.SignalREmulator;

/// <summary>
/// Hosts the local Azure SignalR Service emulator (architecture decision 2) when the configured
/// SignalR endpoint is loopback: the client endpoint at <c>/client/</c> and the REST subset at
/// <c>/api/v1/hubs/{hub}/...</c>, both guarded by tokens signed with the configured AccessKey.
/// </summary>
internal static class SignalREmulatorExtensions
{
    public const string ConnectionStringKey = "SignalR:ConnectionString";

    /// <summary>
    /// Points a loopback SignalR endpoint at the port this process really listens on (tests and
    /// D3CHAT_PORT pick ports at run time), so negotiate hands out URLs that reach this emulator.
    /// </summary>
    public static void UseOwnPortForLoopbackSignalR(this ConfigurationManager configuration)
    {
        var endpoint = SignalREndpoint.Parse(configuration[ConnectionStringKey]);
        var urls = configuration["urls"] ?? configuration["ASPNETCORE_URLS"] ?? configuration["URLS"];
        if (endpoint is null || !endpoint.Endpoint.IsLoopback || string.IsNullOrWhiteSpace(urls))
        {
            return;
        }
        var first = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0]
            .Replace("://*", "://localhost", StringComparison.Ordinal).Replace("://+", "://localhost", StringComparison.Ordinal);
        if (Uri.TryCreate(first, UriKind.Absolute, out var listening) && listening.Port != endpoint.Endpoint.Port)
        {
            configuration[ConnectionStringKey] = SignalREndpoint.WithPort(configuration[ConnectionStringKey]!, listening.Port);
        }
    }

    public static bool IsEmulated(IConfiguration configuration) =>
        SignalREndpoint.Parse(configuration[ConnectionStringKey]) is { Endpoint.IsLoopback: true };

    public static IServiceCollection AddSignalREmulator(this IServiceCollection services)
    {
        services.AddSignalR();
        services.AddSingleton<EmulatorState>();
        return services;
    }

    public static void MapSignalREmulator(this WebApplication app)
    {
        var endpoint = SignalREndpoint.Parse(app.Configuration[ConnectionStringKey])!;
        var time = app.Services.GetRequiredService<TimeProvider>();
        var verified = EmulatorAuthentication.NewVerifiedServerTokens();
        app.Use(async (context, next) =>
        {
            var path = context.Request.Path;
            var isClient = path.StartsWithSegments("/client");
            var isRest = path.StartsWithSegments("/api/v1/hubs") || path.StartsWithSegments("/api/hubs");
            if ((isClient && !await EmulatorAuthentication.AuthenticateClientAsync(context, endpoint, time))
                || (isRest && !await EmulatorAuthentication.AuthenticateServerAsync(context, endpoint, time, verified)))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }
            if (isRest && !EmulatorAuthentication.HubName().IsMatch(HubSegment(path)))
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }
            await next(context);
        });
        var state = app.Services.GetRequiredService<EmulatorState>();
        app.MapConnections("/client", connection => connection.Use(next => EmulatorHub.Register(next, state)).UseHub<EmulatorHub>());
        app.MapEmulatorRestApi();
    }

    private static string HubSegment(PathString path)
    {
        var value = path.Value ?? "";
        var prefix = value.StartsWith("/api/v1/hubs/", StringComparison.Ordinal) ? 13 : value.StartsWith("/api/hubs/", StringComparison.Ordinal) ? 10 : -1;
        return prefix > 0 && value.Length > prefix ? value[prefix..].Split('/')[0] : "";
    }
}
