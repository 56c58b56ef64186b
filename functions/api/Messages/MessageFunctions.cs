using D3Chat.Core.Auth;
using D3Chat.Core.Http;
using D3Chat.Core.Messages;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace D3Chat.Functions.Api.Messages;

/// <summary>Spec api.md §7 (mounted under <c>/api/v1/channels</c>). Pages also accept <c>before_id</c> for an exact keyset cursor.</summary>
public sealed class MessageFunctions(MessageService messages, AuthGate gate)
{
    [Function(nameof(ListMessages))]
    public async Task<IActionResult> ListMessages(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/channels/{channelId}/messages")] HttpRequest req, string channelId, CancellationToken ct)
    {
        var (caller, id, denied) = await gate.AuthenticateAsync(req, channelId, "channel_id", ct);
        if (denied is not null)
        {
            return denied;
        }
        var query = new QueryParams(req);
        var before = query.DateTime("before");
        var beforeId = query.Uuid("before_id");
        var limit = query.Int("limit", PageQuery.DefaultLimit, 1, PageQuery.MaxLimit);
        if (query.Invalid is { } badQuery)
        {
            return badQuery;
        }
        return ApiResults.From(await messages.PageAsync(caller!, id, new PageQuery(before, before is null ? null : beforeId, limit), ct));
    }

    [Function(nameof(SendMessage))]
    public async Task<IActionResult> SendMessage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/channels/{channelId}/messages")] HttpRequest req, string channelId, CancellationToken ct)
    {
        var (caller, id, denied) = await gate.AuthenticateAsync(req, channelId, "channel_id", ct);
        if (denied is not null)
        {
            return denied;
        }
        var (body, invalid) = await RequestBody.ReadAsync<SendMessageRequest>(req, ct);
        if (invalid is not null)
        {
            return invalid;
        }
        var (request, badHeader) = ClientMessageIds.WithHeader(body!, req.Headers[ClientMessageIds.HeaderName].ToString());
        if (badHeader is not null)
        {
            return RequestBody.Invalid(badHeader);
        }
        // A retry with a known client id answers the first message with 200; a new message is 201.
        var sent = await messages.SendAsync(caller!, id, request, ct);
        return sent.Problem is { } problem ? ApiResults.From(problem)
            : ApiResults.Status(sent.Value!.Replayed ? StatusCodes.Status200OK : StatusCodes.Status201Created, sent.Value.Message);
    }

    [Function(nameof(EditMessage))]
    public async Task<IActionResult> EditMessage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "api/v1/channels/messages/{messageId}")] HttpRequest req, string messageId, CancellationToken ct)
    {
        var (caller, id, denied) = await gate.AuthenticateAsync(req, messageId, "message_id", ct);
        if (denied is not null)
        {
            return denied;
        }
        var (body, invalid) = await RequestBody.ReadAsync<EditMessageRequest>(req, ct);
        return invalid ?? ApiResults.From(await messages.EditAsync(caller!, id, body!, ct));
    }

    [Function(nameof(DeleteMessage))]
    public async Task<IActionResult> DeleteMessage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "api/v1/channels/messages/{messageId}")] HttpRequest req, string messageId, CancellationToken ct)
    {
        var (caller, denied) = await gate.AuthenticateAsync(req, ct);
        if (denied is not null)
        {
            return denied;
        }
        return RouteIds.TryParse(messageId, "message_id", out var id, out var invalid)
            ? ApiResults.From(await messages.DeleteAsync(caller!, id, ct), StatusCodes.Status204NoContent) : invalid!;
    }
}
