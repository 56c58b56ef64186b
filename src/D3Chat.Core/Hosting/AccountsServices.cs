using D3Chat.Core.Admin;
using D3Chat.Core.Audit;
using D3Chat.Core.Auth;
using D3Chat.Core.Avatars;
using D3Chat.Core.Bootstrap;
using D3Chat.Core.Devices;
using D3Chat.Core.Http;
using D3Chat.Core.Invites;
using D3Chat.Core.PublicConfig;
using D3Chat.Core.RateLimiting;
using D3Chat.Core.Settings;
using D3Chat.Core.Users;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace D3Chat.Core.Hosting;

/// <summary>Registrations of accounts and governance: users, devices, admin, settings, invites, rate limit, avatars, bootstrap.</summary>
internal static class AccountsServices
{
    public static IServiceCollection AddAccounts(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<BootstrapOptions>().BindConfiguration(BootstrapOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<ClientAddress>();
        services.TryAddSingleton<RateLimiter>();
        services.TryAddSingleton<AuthStateCache>();
        services.TryAddSingleton<UserService>();
        services.TryAddSingleton<DeviceService>();
        services.TryAddSingleton<AuditLogStore>();
        services.TryAddSingleton<InviteStore>();
        services.TryAddSingleton<InviteService>();
        services.TryAddSingleton<AdminUserStore>();
        services.TryAddSingleton<AdminUserService>();
        services.TryAddSingleton<AdminChannelStore>();
        services.TryAddSingleton<AdminChannelService>();
        services.TryAddSingleton<SettingsService>();
        services.TryAddSingleton<PublicConfigService>();
        services.TryAddSingleton<AvatarStorage>();
        services.TryAddSingleton<AvatarService>();
        return services;
    }
}

/// <summary>App-specific registrations of the accounts feature.</summary>
public static class AccountsHostingExtensions
{
    /// <summary>
    /// Creates the first superadmin at startup (api app only: it owns Bootstrap__* in Azure).
    /// Call after <see cref="CoreServiceCollectionExtensions.AddD3ChatCore"/>, whose migration
    /// service must run first; hosted services start in registration order.
    /// </summary>
    public static IServiceCollection AddBootstrapAdmin(this IServiceCollection services)
    {
        services.AddHostedService<BootstrapAdminHostedService>();
        return services;
    }
}
