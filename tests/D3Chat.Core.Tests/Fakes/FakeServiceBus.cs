using Azure.Messaging.ServiceBus;

namespace D3Chat.Core.Tests.Fakes;

/// <summary>
/// An in-memory Service Bus topic for <see cref="Core.Queue.ServiceBusDeadLetterQueues"/>: one dead-letter
/// queue per subscription (peek, peek-lock receive, complete, abandon) and a record of what was sent to the topic.
/// </summary>
internal sealed class FakeServiceBus : ServiceBusClient
{
    private long _nextSequenceNumber = 1;

    public Dictionary<string, List<ServiceBusReceivedMessage>> DeadLetters { get; } = [];

    public List<(string Topic, ServiceBusMessage Message)> Sent { get; } = [];

    /// <summary>Sends fail after this many successful ones (null: never), the way a namespace outage would.</summary>
    public int? SendsBeforeFailure { get; set; }

    /// <summary>Messages a batch takes before <c>TryAddMessage</c> says it is full (the real limit is bytes).</summary>
    public int MessagesPerBatch { get; set; } = int.MaxValue;

    /// <summary>The batches sent to the topic, each as its messages.</summary>
    public List<IReadOnlyList<ServiceBusMessage>> Batches { get; } = [];

    public ServiceBusReceivedMessage DeadLetter(string subscription, string messageId, string reason, int? redrives = null, string body = "{}")
    {
        var properties = new Dictionary<string, object> { ["DeadLetterReason"] = reason };
        if (redrives is { } count)
        {
            properties[Core.Queue.ServiceBusDeadLetterQueues.RedrivesProperty] = count;
        }
        var message = ServiceBusModelFactory.ServiceBusReceivedMessage(
            body: BinaryData.FromString(body), messageId: messageId, subject: "message.new", contentType: "application/json",
            properties: properties, sequenceNumber: _nextSequenceNumber++, enqueuedTime: DateTimeOffset.UnixEpoch);
        if (!DeadLetters.TryGetValue(subscription, out var queue))
        {
            DeadLetters[subscription] = queue = [];
        }
        queue.Add(message);
        return message;
    }

    public override ServiceBusReceiver CreateReceiver(string topicName, string subscriptionName, ServiceBusReceiverOptions options)
    {
        if (options.SubQueue != SubQueue.DeadLetter)
        {
            throw new InvalidOperationException("only dead-letter queues are faked");
        }
        if (!DeadLetters.TryGetValue(subscriptionName, out var queue))
        {
            DeadLetters[subscriptionName] = queue = [];
        }
        return new Receiver($"{topicName}/Subscriptions/{subscriptionName}/$deadletterqueue", queue);
    }

    public override ServiceBusSender CreateSender(string queueOrTopicName) => new Sender(this, queueOrTopicName);

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private sealed class Receiver(string path, List<ServiceBusReceivedMessage> queue) : ServiceBusReceiver
    {
        private readonly HashSet<ServiceBusReceivedMessage> _locked = [];
        private long _peekedUpTo;

        public override string EntityPath => path;

        public override Task<IReadOnlyList<ServiceBusReceivedMessage>> PeekMessagesAsync(int maxMessages, long? fromSequenceNumber = null,
            CancellationToken cancellationToken = default)
        {
            var from = fromSequenceNumber ?? _peekedUpTo + 1;
            var batch = queue.Where(m => m.SequenceNumber >= from).Take(maxMessages).ToList();
            if (batch.Count > 0)
            {
                _peekedUpTo = batch[^1].SequenceNumber;
            }
            return Task.FromResult<IReadOnlyList<ServiceBusReceivedMessage>>(batch);
        }

        public override Task<IReadOnlyList<ServiceBusReceivedMessage>> ReceiveMessagesAsync(int maxMessages, TimeSpan? maxWaitTime = null,
            CancellationToken cancellationToken = default)
        {
            var batch = queue.Where(m => !_locked.Contains(m)).Take(maxMessages).ToList();
            _locked.UnionWith(batch);
            return Task.FromResult<IReadOnlyList<ServiceBusReceivedMessage>>(batch);
        }

        public override Task CompleteMessageAsync(ServiceBusReceivedMessage message, CancellationToken cancellationToken = default)
        {
            Assert.True(_locked.Remove(message), "completed a message this receiver did not hold");
            queue.Remove(message);
            return Task.CompletedTask;
        }

        public override Task AbandonMessageAsync(ServiceBusReceivedMessage message, IDictionary<string, object>? propertiesToModify = null,
            CancellationToken cancellationToken = default)
        {
            Assert.True(_locked.Remove(message), "abandoned a message this receiver did not hold");
            return Task.CompletedTask;
        }

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class Sender(FakeServiceBus bus, string topic) : ServiceBusSender
    {
        public override Task SendMessageAsync(ServiceBusMessage message, CancellationToken cancellationToken = default)
        {
            CountSend();
            bus.Sent.Add((topic, message));
            return Task.CompletedTask;
        }

        private readonly Dictionary<ServiceBusMessageBatch, List<ServiceBusMessage>> _batches = [];

        public override ValueTask<ServiceBusMessageBatch> CreateMessageBatchAsync(CancellationToken cancellationToken = default)
        {
            var messages = new List<ServiceBusMessage>();
            var batch = ServiceBusModelFactory.ServiceBusMessageBatch(256 * 1024, messages, tryAddCallback: _ => messages.Count < bus.MessagesPerBatch);
            _batches[batch] = messages;
            return ValueTask.FromResult(batch);
        }

        public override Task SendMessagesAsync(ServiceBusMessageBatch messageBatch, CancellationToken cancellationToken = default)
        {
            var messages = _batches[messageBatch];
            CountSend();
            bus.Batches.Add([.. messages]);
            bus.Sent.AddRange(messages.Select(m => (topic, m)));
            return Task.CompletedTask;
        }

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

        // A send (one message or one batch) that fails once SendsBeforeFailure runs out.
        private void CountSend()
        {
            if (bus.SendsBeforeFailure is { } left)
            {
                if (left == 0)
                {
                    throw new ServiceBusException("namespace unavailable", ServiceBusFailureReason.ServiceCommunicationProblem);
                }
                bus.SendsBeforeFailure = left - 1;
            }
        }
    }
}
