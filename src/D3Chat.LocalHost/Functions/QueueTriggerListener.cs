using System.Reflection;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using D3Chat.Core.Storage;

namespace D3Chat.LocalHost.Functions;

/// <summary>
/// Runs one <c>[QueueTrigger]</c> function from its Storage queue (Azurite offline) with the Functions
/// host's semantics: messages are leased while the function runs and deleted when it returns; a
/// throw makes the message visible again after host.json's visibilityTimeout; once it has been
/// dequeued maxDequeueCount times it is moved to <c>{queue}-poison</c>. Between empty polls it waits
/// with a backoff, as the Functions host does, but a send from this process to the queue
/// (<see cref="QueueWakeups"/>) ends the wait at once.
/// </summary>
internal sealed partial class QueueTriggerListener(
    FunctionDescriptor function,
    QueueHostOptions options,
    StorageAccount storage,
    QueueWakeups wakeups,
    FunctionInvoker invoker,
    IConfiguration configuration,
    ILogger<QueueTriggerListener> logger) : BackgroundService
{
    // How long a received message stays invisible: if the process dies mid-function, the message
    // reappears after this. The Functions host uses 10 minutes; LocalHost:QueueLease shortens it
    // (the fault tests kill a LocalHost and measure how soon its in-flight messages are redone).
    private static readonly TimeSpan DefaultLease = TimeSpan.FromMinutes(5);
    private TimeSpan Lease => configuration.GetValue("LocalHost:QueueLease", DefaultLease);
    // After an empty poll the wait starts here and doubles up to host.json's maxPollingInterval;
    // after a poll that found messages the queue is polled again at once, as the Functions host does.
    private static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(25);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var queueName = AppSettingExpression.Resolve(function.QueueName!, configuration);
        var queue = Queue(queueName);
        var poison = Queue(queueName + "-poison");
        var wakeup = wakeups.Register(queueName);
        var delay = TimeSpan.Zero;
        var inFlight = new InFlightWork(options.BatchSize);
        var created = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Once per listener (a round trip per poll otherwise); after a failure it is tried again.
                if (!created)
                {
                    await queue.CreateIfNotExistsAsync(cancellationToken: stoppingToken);
                    created = true;
                }
                // Like the Functions host: up to batchSize messages run at once, and the next batch is
                // fetched when half of them are done, so code that relies on message order fails here too.
                await inFlight.WaitUntilAtMostAsync(options.BatchSize / 2);
                QueueMessage[] messages = await queue.ReceiveMessagesAsync(inFlight.Room, Lease, stoppingToken);
                foreach (var message in messages)
                {
                    inFlight.Start(() => ProcessAsync(queue, poison, message, stoppingToken));
                }
                delay = messages.Length > 0 ? TimeSpan.Zero : Min(Max(delay * 2, MinPollingInterval), options.MaxPollingInterval);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The queue service itself is unreachable: keep polling at the slowest rate until it is back.
                LogQueueUnavailable(queueName, ex);
                created = false;
                delay = options.MaxPollingInterval;
            }
            if (delay > TimeSpan.Zero)
            {
                // Polling stays the fallback for messages other processes send; our own sends wake us.
                await wakeup.WaitAsync(delay, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private QueueClient Queue(string name) => storage.Queue(name, options.Base64);

    private async Task ProcessAsync(QueueClient queue, QueueClient poison, QueueMessage message, CancellationToken ct)
    {
        try
        {
            await InvokeAndSettleAsync(queue, poison, message, ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // Deleting or releasing the message failed: its lease runs out and it is received again.
            LogQueueUnavailable(queue.Name, ex);
        }
        catch (OperationCanceledException)
        {
            // Shutting down: the lease runs out and the message is received again.
        }
    }

    private async Task InvokeAndSettleAsync(QueueClient queue, QueueClient poison, QueueMessage message, CancellationToken ct)
    {
        try
        {
            await invoker.InvokeAsync(function, (parameter, _) => Bind(parameter, message, ct));
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            if (message.DequeueCount >= options.MaxDequeueCount)
            {
                LogPoisoned(function.Name, message.MessageId, message.DequeueCount, ex);
                await poison.CreateIfNotExistsAsync(cancellationToken: ct);
                await poison.SendMessageAsync(message.Body, cancellationToken: ct);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct);
            }
            else
            {
                LogFailed(function.Name, message.MessageId, message.DequeueCount, ex);
                await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: options.VisibilityTimeout, cancellationToken: ct);
            }
            return;
        }
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct);
    }

    private static object? Bind(ParameterInfo parameter, QueueMessage message, CancellationToken ct)
    {
        var type = parameter.ParameterType;
        return type == typeof(string) ? message.Body.ToString()
            : type == typeof(BinaryData) ? message.Body
            : type == typeof(byte[]) ? message.Body.ToArray()
            : type == typeof(QueueMessage) ? message
            : type == typeof(CancellationToken) ? ct
            : throw new InvalidOperationException($"The LocalHost cannot bind queue parameter '{parameter.Name}' of type {type.Name}.");
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue {Queue} is unavailable; retrying")]
    private partial void LogQueueUnavailable(string queue, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Function {Function} failed on message {MessageId} (dequeue {DequeueCount}); it will be retried")]
    private partial void LogFailed(string function, string messageId, long dequeueCount, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Function {Function} failed on message {MessageId} {DequeueCount} times; moved to the poison queue")]
    private partial void LogPoisoned(string function, string messageId, long dequeueCount, Exception exception);
}
