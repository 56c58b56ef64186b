using Azure.Messaging.ServiceBus;
using D3Chat.Core.Hosting;
using D3Chat.Core.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace D3Chat.Core.Queue;

/// <summary>
/// Consumes one subscription of the channel-events topic in the fanout or federation app (the
/// Service Bus worker extension is not available, architecture decision 2). It owns settlement:
/// auto-complete is off and <see cref="ChannelEventSettlement"/> completes, abandons or dead-letters.
/// </summary>
internal sealed partial class ServiceBusChannelEventProcessor(
    ServiceBusClient client,
    string topic,
    string subscription,
    ServiceBusConsumerOptions options,
    Func<string, CancellationToken, Task> handler,
    ILogger<ServiceBusChannelEventProcessor> logger) : BackgroundService
{
    private ServiceBusProcessor? _processor;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _processor = client.CreateProcessor(topic, subscription, new ServiceBusProcessorOptions
        {
            AutoCompleteMessages = false,
            MaxConcurrentCalls = options.MaxConcurrentCalls,
        });
        _processor.ProcessMessageAsync += OnMessageAsync;
        _processor.ProcessErrorAsync += OnErrorAsync;
        await _processor.StartProcessingAsync(stoppingToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_processor is not null)
        {
            await _processor.StopProcessingAsync(cancellationToken);
            await _processor.DisposeAsync();
        }
        await base.StopAsync(cancellationToken);
    }

    private async Task OnMessageAsync(ProcessMessageEventArgs args)
    {
        args.Message.ApplicationProperties.TryGetValue(D3ChatTelemetry.TraceParentProperty, out var traceParent);
        using var activity = D3ChatTelemetry.StartProcess(subscription, traceParent as string, args.Message.MessageId);
        var result = await ChannelEventSettlement.ProcessAsync(new Settler(args), args.Message.Body.ToString(),
            args.Message.DeliveryCount, options.MaxDeliveryCount, handler, args.CancellationToken);
        D3ChatTelemetry.Record(subscription, QueueTransports.ServiceBus, result);
        if (result != Settlement.Completed)
        {
            LogNotCompleted(subscription, args.Message.MessageId, args.Message.DeliveryCount, result);
        }
    }

    private Task OnErrorAsync(ProcessErrorEventArgs args)
    {
        LogTransportError(subscription, args.ErrorSource.ToString(), args.Exception);
        return Task.CompletedTask;
    }

    private sealed class Settler(ProcessMessageEventArgs args) : IMessageSettlement
    {
        public Task CompleteAsync(CancellationToken ct) => args.CompleteMessageAsync(args.Message, ct);

        public Task AbandonAsync(CancellationToken ct) => args.AbandonMessageAsync(args.Message, cancellationToken: ct);

        public Task DeadLetterAsync(string reason, string description, CancellationToken ct) =>
            args.DeadLetterMessageAsync(args.Message, reason, description, ct);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscription {Subscription}: message {MessageId} (delivery {DeliveryCount}) was {Result}")]
    private partial void LogNotCompleted(string subscription, string messageId, int deliveryCount, Settlement result);

    [LoggerMessage(Level = LogLevel.Error, Message = "Subscription {Subscription}: Service Bus error in {Source}")]
    private partial void LogTransportError(string subscription, string source, Exception exception);
}
