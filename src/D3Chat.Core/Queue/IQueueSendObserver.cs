namespace D3Chat.Core.Queue;

/// <summary>
/// Told by the Storage-queue publisher each time a queue accepted a message. The LocalHost registers one
/// so that its own listener of that queue polls at once instead of waiting out its empty-poll backoff;
/// in Azure nothing is registered (the Functions host polls on its own, and Service Bus pushes).
/// </summary>
public interface IQueueSendObserver
{
    /// <summary>A message was just sent to <paramref name="queueName"/>. Must return at once and never throw.</summary>
    void Sent(string queueName);
}
