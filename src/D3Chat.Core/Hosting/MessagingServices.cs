using D3Chat.Core.Attachments;
using D3Chat.Core.Channels;
using D3Chat.Core.Devices;
using D3Chat.Core.Keys;
using D3Chat.Core.Messages;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace D3Chat.Core.Hosting;

/// <summary>Channels, messages, keys and attachments (spec api.md §6–§9).</summary>
internal static class MessagingServices
{
    public static IServiceCollection AddMessaging(this IServiceCollection services)
    {
        services.TryAddSingleton<DeviceOwnership>();
        services.TryAddSingleton<DeviceAnnouncements>();
        services.TryAddSingleton<ChannelStore>();
        services.TryAddSingleton<ChannelService>();
        services.TryAddSingleton<MessageStore>();
        services.TryAddSingleton<MessageService>();
        services.TryAddSingleton<KeyStore>();
        services.TryAddSingleton<SenderKeyStore>();
        services.TryAddSingleton<X3dhSetupStore>();
        services.TryAddSingleton<RemoteDeviceStore>();
        services.TryAddSingleton<RemoteKeyBundles>();
        services.TryAddSingleton<KeyService>();
        services.TryAddSingleton<AttachmentStore>();
        services.TryAddSingleton<BlobDeletionStore>();
        services.TryAddSingleton<AttachmentLinks>();
        services.TryAddSingleton<AttachmentService>();
        return services;
    }
}
