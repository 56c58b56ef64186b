using Azure.Core;
using Azure.Identity;

namespace D3Chat.Core.Identity;

/// <summary>
/// The Microsoft Entra credential of keyless connections in Azure. Each function app runs as its own
/// user-assigned managed identity, named by client id in the identity-based settings
/// (<c>…__clientId</c>); without one (a developer signed in with <c>az login</c>) the default chain is used.
/// Offline nothing here is reached: connection strings and keys take precedence everywhere.
/// </summary>
public static class AzureCredentials
{
    /// <summary>Value of a <c>…__credential</c> setting that selects the managed identity.</summary>
    public const string ManagedIdentity = "managedidentity";

    public static TokenCredential For(string? clientId) =>
        string.IsNullOrWhiteSpace(clientId)
            ? new DefaultAzureCredential()
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
}
