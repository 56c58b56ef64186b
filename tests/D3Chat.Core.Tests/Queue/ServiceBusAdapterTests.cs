using System.Text.Json;
using D3Chat.Core.Fanout;
using D3Chat.Core.Queue;

namespace D3Chat.Core.Tests.Queue;

public sealed class ServiceBusAdapterTests
{
    private readonly FakeSettlement _settlement = new();

    [Fact]
    public void ToMessage_UsesEventIdAsMessageIdAndTheEventJsonAsBody()
    {
        var channelEvent = new ChannelEvent
        {
            Id = Guid.NewGuid(),
            Type = "message.new",
            ChannelId = Guid.NewGuid(),
            OccurredAt = DateTimeOffset.UnixEpoch,
            Data = JsonDocument.Parse("""{"type":"message.new"}""").RootElement,
        };

        var message = ServiceBusChannelEventPublisher.ToMessage(channelEvent);

        Assert.Equal(channelEvent.Id.ToString(), message.MessageId);
        Assert.Equal("application/json", message.ContentType);
        Assert.Equal("message.new", message.Subject);
        Assert.Equal(channelEvent.Id, ChannelEvent.TryParse(message.Body.ToString())!.Id);
    }

    [Fact]
    public async Task Process_HandlerSucceeds_Completes()
    {
        string? handled = null;

        var result = await ChannelEventSettlement.ProcessAsync(_settlement, "body", 1, 5, (b, _) => { handled = b; return Task.CompletedTask; }, default);

        Assert.Equal(Settlement.Completed, result);
        Assert.Equal("body", handled);
        Assert.Equal(["complete"], _settlement.Calls);
    }

    [Fact]
    public async Task Process_TransientFailureBelowTheLimit_Abandons()
    {
        var result = await ChannelEventSettlement.ProcessAsync(_settlement, "b", 4, 5, (_, _) => throw new HttpRequestException("down"), default);

        Assert.Equal(Settlement.Abandoned, result);
        Assert.Equal(["abandon"], _settlement.Calls);
    }

    [Fact]
    public async Task Process_FailureAtTheLimit_DeadLetters()
    {
        var result = await ChannelEventSettlement.ProcessAsync(_settlement, "b", 5, 5, (_, _) => throw new InvalidOperationException("still down"), default);

        Assert.Equal(Settlement.DeadLettered, result);
        Assert.Equal([$"deadletter {ChannelEventSettlement.FailedReason}"], _settlement.Calls);
    }

    [Fact]
    public async Task Process_InvalidEvent_DeadLettersOnFirstDelivery()
    {
        var result = await ChannelEventSettlement.ProcessAsync(_settlement, "b", 1, 5, (_, _) => throw new InvalidChannelEventException("bad"), default);

        Assert.Equal(Settlement.DeadLettered, result);
        Assert.Equal([$"deadletter {ChannelEventSettlement.InvalidReason}"], _settlement.Calls);
    }

    [Fact]
    public async Task Process_CancelledAtShutdownOnLastDelivery_AbandonsInsteadOfDeadLettering()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        var result = await ChannelEventSettlement.ProcessAsync(_settlement, "b", 5, 5, (_, ct) => Task.FromCanceled(ct), cts.Token);

        Assert.Equal(Settlement.Abandoned, result);
    }

    private sealed class FakeSettlement : IMessageSettlement
    {
        public List<string> Calls { get; } = [];

        public Task CompleteAsync(CancellationToken ct) => Add("complete");

        public Task AbandonAsync(CancellationToken ct) => Add("abandon");

        public Task DeadLetterAsync(string reason, string description, CancellationToken ct) => Add($"deadletter {reason}");

        private Task Add(string call)
        {
            Calls.Add(call);
            return Task.CompletedTask;
        }
    }
}
