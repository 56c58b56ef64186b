namespace D3Chat.Core.Realtime;

/// <summary>
/// The configured SignalR Service (null <see cref="Endpoint"/> when realtime is off), its hub, and
/// how calls to it are authorized (access key offline, Microsoft Entra ID in Azure).
/// </summary>
public sealed record SignalRConnection(SignalREndpoint? Endpoint, string Hub, ISignalRAuthorizer? Authorizer = null);
