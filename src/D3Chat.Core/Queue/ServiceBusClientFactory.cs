using Azure.Messaging.ServiceBus;
using D3Chat.Core.Hosting;
using D3Chat.Core.Identity;
using Microsoft.Extensions.Configuration;

namespace D3Chat.Core.Queue;

/// <summary>
/// The Service Bus client from <c>Queue__ServiceBusConnection</c>: a connection string (emulator,
/// tests), or, as the Functions host names identity-based connections,
/// <c>Queue__ServiceBusConnection__fullyQualifiedNamespace</c> (+ <c>__clientId</c>) with Microsoft
/// Entra ID. In Azure the namespace has local (SAS) authentication disabled, so only the latter works.
/// </summary>
internal static class ServiceBusClientFactory
{
    public const string SettingKey = $"{QueueOptions.Section}:{nameof(QueueOptions.ServiceBusConnection)}";

    public static ServiceBusClient Create(IConfiguration configuration)
    {
        var connectionString = configuration[SettingKey];
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            return new ServiceBusClient(connectionString);
        }
        var identity = configuration.GetSection(SettingKey);
        var fullyQualifiedNamespace = identity["fullyQualifiedNamespace"];
        if (string.IsNullOrWhiteSpace(fullyQualifiedNamespace))
        {
            throw new InvalidOperationException(
                "Queue__ServiceBusConnection (a connection string) or Queue__ServiceBusConnection__fullyQualifiedNamespace " +
                "is required when Queue__Transport is ServiceBus.");
        }
        return new ServiceBusClient(fullyQualifiedNamespace, AzureCredentials.For(identity["clientId"]));
    }
}
