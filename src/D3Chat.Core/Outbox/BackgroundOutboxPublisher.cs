using System.Threading.Channels;
using D3Chat.Core.Queue;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace D3Chat.Core.Outbox;

/// <summary>
/// Publishes committed outbox events after the request that committed them has answered (issue 14): a
/// unit of work hands its events over and returns, and this loop publishes whatever has been handed over
/// since its last round together (one queue message per queue where they fit) and marks them all sent
/// in one statement. The outbox row committed with the change is the guarantee, not this loop: an event
/// it never publishes (the process stopped, the queue failed) is published by the outbox sweep, so a
/// 2xx still means committed and delivered at least once. While it is not running (before start, after stop) units publish inline.
/// </summary>
public sealed partial class BackgroundOutboxPublisher : BackgroundService
{
    /// <summary>Units published in one round, so one <c>MarkSent</c> statement stays small.</summary>
    public const int MaxUnitsPerRound = 64;

    private readonly Func<IReadOnlyCollection<IReadOnlyList<ChannelEvent>>, CancellationToken, Task<int>> _publishUnits;
    private readonly ILogger<BackgroundOutboxPublisher> _logger;
    /// <summary>
    /// Units waiting at most. When the queue falls behind, further units publish inline in their
    /// requests, which slows the writers down instead of growing memory without bound.
    /// </summary>
    public const int MaxWaitingUnits = 10_000;

    private readonly Channel<IReadOnlyList<ChannelEvent>> _committed = Channel.CreateBounded<IReadOnlyList<ChannelEvent>>(
        new BoundedChannelOptions(MaxWaitingUnits) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private volatile bool _running;

    public BackgroundOutboxPublisher(OutboxPublisher publisher, ILogger<BackgroundOutboxPublisher> logger)
        : this(publisher.PublishUnitsAsync, logger)
    {
    }

    internal BackgroundOutboxPublisher(
        Func<IReadOnlyCollection<IReadOnlyList<ChannelEvent>>, CancellationToken, Task<int>> publishUnits, ILogger<BackgroundOutboxPublisher> logger)
    {
        _publishUnits = publishUnits;
        _logger = logger;
    }

    /// <summary>Hands committed events over for publishing; false when the loop is not running or full (publish them yourself).</summary>
    public bool TryEnqueue(IReadOnlyList<ChannelEvent> events) => _running && _committed.Writer.TryWrite(events);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Here, not in ExecuteAsync, which the host may start later on the thread pool; units handed
        // over before the loop first reads simply wait in the channel.
        _running = true;
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var round = new List<IReadOnlyList<ChannelEvent>>(MaxUnitsPerRound);
        // Not stoppingToken: on shutdown the writer is completed and what was handed over is still published.
        while (await _committed.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (round.Count < MaxUnitsPerRound && _committed.Reader.TryRead(out var unit))
            {
                round.Add(unit);
            }
            try
            {
                await _publishUnits(round, CancellationToken.None);
            }
            catch (Exception ex)
            {
                // The publisher records its own failures; anything else is left to the sweep, and the loop goes on.
                LogRoundFailed(round.Sum(u => u.Count), ex);
            }
            round.Clear();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _running = false;
        _committed.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing {Count} committed events in the background failed; the outbox sweep will publish them")]
    private partial void LogRoundFailed(int count, Exception exception);
}
