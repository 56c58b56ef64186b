using D3Chat.Core.Fanout;

namespace D3Chat.Core.Queue;

/// <summary>The settlement calls of one received message (a seam so the logic is testable without Service Bus).</summary>
internal interface IMessageSettlement
{
    Task CompleteAsync(CancellationToken ct);

    Task AbandonAsync(CancellationToken ct);

    Task DeadLetterAsync(string reason, string description, CancellationToken ct);
}

/// <summary>What happened to a message.</summary>
public enum Settlement
{
    Completed,
    Abandoned,
    DeadLettered,
}

/// <summary>
/// Runs a transport-agnostic handler on one message and settles it the way the Storage queue
/// trigger does: success completes; a message that can never be processed is dead-lettered at
/// once; any other failure abandons it for redelivery until <c>maxDeliveryCount</c>, then dead-letters it.
/// </summary>
internal static class ChannelEventSettlement
{
    public const string InvalidReason = "InvalidChannelEvent";
    public const string FailedReason = "HandlerFailed";

    public static async Task<Settlement> ProcessAsync(IMessageSettlement settlement, string body, int deliveryCount, int maxDeliveryCount,
        Func<string, CancellationToken, Task> handler, CancellationToken ct)
    {
        try
        {
            await handler(body, ct);
        }
        catch (InvalidChannelEventException ex)
        {
            await settlement.DeadLetterAsync(InvalidReason, ex.Message, CancellationToken.None);
            return Settlement.DeadLettered;
        }
        catch (Exception ex) when (deliveryCount >= maxDeliveryCount && !ct.IsCancellationRequested)
        {
            // Exception text is ours (handlers never put message content in it), so it is safe to keep.
            await settlement.DeadLetterAsync(FailedReason, $"{ex.GetType().Name}: {ex.Message}", CancellationToken.None);
            return Settlement.DeadLettered;
        }
        catch (Exception)
        {
            await settlement.AbandonAsync(CancellationToken.None);
            return Settlement.Abandoned;
        }
        await settlement.CompleteAsync(CancellationToken.None);
        return Settlement.Completed;
    }
}
