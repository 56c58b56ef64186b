using Microsoft.Extensions.Configuration;

namespace D3Chat.Core.Queue;

/// <summary>
/// Names of the per-consumer Storage queues. They are flat app-setting keys because the
/// <c>[QueueTrigger("%FanoutQueueName%")]</c> binding expressions of the function apps resolve them too.
/// </summary>
public sealed record QueueNames(string Fanout, string Federation)
{
    public const string FanoutKey = "FanoutQueueName";
    public const string FederationKey = "FederationQueueName";

    public static QueueNames From(IConfiguration configuration) => new(
        configuration[FanoutKey] is { Length: > 0 } fanout ? fanout : "channel-events-fanout",
        configuration[FederationKey] is { Length: > 0 } federation ? federation : "channel-events-federation");

    public IEnumerable<string> All => [Fanout, Federation];

    /// <summary>The queues <paramref name="channelEvent"/> goes to: all, or only fanout when it skips federation.</summary>
    public IEnumerable<string> For(ChannelEvent channelEvent) => channelEvent.SkipFederation ? [Fanout] : All;
}
