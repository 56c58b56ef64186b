using D3Chat.Core.Attachments;

namespace D3Chat.Functions.Api.Attachments;

/// <summary>
/// Spec api.md §9 attachments with departure 5: the download and thumbnail routes take a
/// short-lived signed link token from <c>POST /api/v1/attachments/{id}/link</c>, never an access token.
/// </summary>
public sealed class AttachmentFunctions(AttachmentService attachments, RequestGate gate)
{
    [Function(nameof(UploadAttachment))]
    public Task<IActionResult> UploadAttachment(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/channels/{channelId}/attachments")] HttpRequest req, string channelId, CancellationToken ct) =>
        gate.Run(req, Access.User, ct).Id(channelId, "channel_id").File(AttachmentService.MaxBytes, Problem.AttachmentTooLarge)
            .Created((call, id, file) => attachments.UploadAsync(call.User, id, AttachmentUpload.From(file), ct));

    [Function(nameof(CreateAttachmentLink))]
    public Task<IActionResult> CreateAttachmentLink(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/attachments/{attachmentId}/link")] HttpRequest req, string attachmentId, CancellationToken ct) =>
        gate.Run(req, Access.User, ct).Id(attachmentId, "attachment_id")
            .Ok((call, id) => attachments.LinkAsync(call.User, id, ct));

    [Function(nameof(DownloadAttachment))]
    public Task<IActionResult> DownloadAttachment(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/attachments/{attachmentId}/download")] HttpRequest req, string attachmentId, CancellationToken ct) =>
        gate.Run(req, Access.Anyone, ct).Id(attachmentId, "attachment_id")
            .Download((call, id) => attachments.OpenAsync(id, call.Request.Query["token"], thumbnail: false, ct));

    [Function(nameof(GetAttachmentThumbnail))]
    public Task<IActionResult> GetAttachmentThumbnail(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/attachments/{attachmentId}/thumbnail")] HttpRequest req, string attachmentId, CancellationToken ct) =>
        gate.Run(req, Access.Anyone, ct).Id(attachmentId, "attachment_id")
            .Download((call, id) => attachments.OpenAsync(id, call.Request.Query["token"], thumbnail: true, ct));
}
