using D3Chat.Core.Messages;

namespace D3Chat.Functions.Api.Messages;

/// <summary>Spec api.md §7 (mounted under <c>/api/v1/channels</c>). Pages also accept <c>before_id</c> for an exact keyset cursor.</summary>
public sealed class MessageFunctions(MessageService messages, RequestGate gate)
{
    [Function(nameof(ListMessages))]
    public Task<IActionResult> ListMessages(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/channels/{channelId}/messages")] HttpRequest req, string channelId, CancellationToken ct) =>
        gate.Run(req, Access.User, ct).Id(channelId, "channel_id").Query(PageQuery.Read)
            .Ok((call, id, page) => messages.PageAsync(call.User, id, page, ct));

    [Function(nameof(SendMessage))]
    public Task<IActionResult> SendMessage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/channels/{channelId}/messages")] HttpRequest req, string channelId, CancellationToken ct) =>
        gate.Run(req, Access.User, ct).Id(channelId, "channel_id").Body<SendMessageRequest>(ClientMessageIds.WithHeader)
            .Created((call, id, body) => messages.SendAsync(call.User, id, body, ct));

    [Function(nameof(EditMessage))]
    public Task<IActionResult> EditMessage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "api/v1/channels/messages/{messageId}")] HttpRequest req, string messageId, CancellationToken ct) =>
        gate.Run(req, Access.User, ct).Id(messageId, "message_id").Body<EditMessageRequest>()
            .Ok((call, id, body) => messages.EditAsync(call.User, id, body, ct));

    [Function(nameof(DeleteMessage))]
    public Task<IActionResult> DeleteMessage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "api/v1/channels/messages/{messageId}")] HttpRequest req, string messageId, CancellationToken ct) =>
        gate.Run(req, Access.User, ct).Id(messageId, "message_id")
            .NoContent((call, id) => messages.DeleteAsync(call.User, id, ct));
}
