namespace D3Chat.Core.Realtime;

/// <summary>Azure SignalR Service (serverless mode) settings: <c>SignalR__ConnectionString</c>, <c>SignalR__HubName</c>.</summary>
internal sealed class SignalROptions
{
    public const string Section = "SignalR";

    /// <summary><c>Endpoint=https://x.service.signalr.net;AccessKey=...;Version=1.0;</c>. Empty switches realtime off.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Hub name: alphanumeric or underscore, starting with a letter (the service's rule).</summary>
    public string HubName { get; set; } = "d3chat";
}
