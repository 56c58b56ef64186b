namespace D3Chat.Core.Realtime;

/// <summary>The configured SignalR Service (null <see cref="Endpoint"/> when realtime is off) and hub.</summary>
public sealed record SignalRConnection(SignalREndpoint? Endpoint, string Hub);
