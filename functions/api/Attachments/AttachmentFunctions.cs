using D3Chat.Core.Attachments;
using D3Chat.Core.Auth;
using D3Chat.Core.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace D3Chat.Functions.Api.Attachments;

/// <summary>
/// Spec api.md §9 attachments with departure 5: the download and thumbnail routes take a
/// short-lived signed link token from <c>POST /api/v1/attachments/{id}/link</c>, never an access token.
/// </summary>
public sealed class AttachmentFunctions(AttachmentService attachments, AuthGate gate)
{
    [Function(nameof(UploadAttachment))]
    public async Task<IActionResult> UploadAttachment(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/channels/{channelId}/attachments")] HttpRequest req, string channelId, CancellationToken ct)
    {
        var (caller, id, denied) = await gate.AuthenticateAsync(req, channelId, "channel_id", ct);
        if (denied is not null)
        {
            return denied;
        }
        var (file, unreadable) = await UploadedFile.ReadAsync(req, AttachmentService.MaxBytes,
            ApiResults.Error(StatusCodes.Status413PayloadTooLarge, AttachmentService.TooLarge), ct);
        if (unreadable is not null)
        {
            return unreadable;
        }
        var upload = new AttachmentUpload(file!.FileName, file.ContentType, file.Length, file.OpenReadStream);
        return ApiResults.From(await attachments.UploadAsync(caller!, id, upload, ct), StatusCodes.Status201Created);
    }

    [Function(nameof(CreateAttachmentLink))]
    public async Task<IActionResult> CreateAttachmentLink(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/attachments/{attachmentId}/link")] HttpRequest req, string attachmentId, CancellationToken ct)
    {
        var (caller, denied) = await gate.AuthenticateAsync(req, ct);
        if (denied is not null)
        {
            return denied;
        }
        return RouteIds.TryParse(attachmentId, "attachment_id", out var id, out var invalid)
            ? ApiResults.From(await attachments.LinkAsync(caller!, id, ct)) : invalid!;
    }

    [Function(nameof(DownloadAttachment))]
    public Task<IActionResult> DownloadAttachment(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/attachments/{attachmentId}/download")] HttpRequest req, string attachmentId, CancellationToken ct) =>
        OpenAsync(req, attachmentId, thumbnail: false, ct);

    [Function(nameof(GetAttachmentThumbnail))]
    public Task<IActionResult> GetAttachmentThumbnail(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/attachments/{attachmentId}/thumbnail")] HttpRequest req, string attachmentId, CancellationToken ct) =>
        OpenAsync(req, attachmentId, thumbnail: true, ct);

    private async Task<IActionResult> OpenAsync(HttpRequest req, string attachmentId, bool thumbnail, CancellationToken ct)
    {
        if (!RouteIds.TryParse(attachmentId, "attachment_id", out var id, out var invalid))
        {
            return invalid!;
        }
        var outcome = await attachments.OpenAsync(id, req.Query["token"].ToString(), thumbnail, ct);
        if (outcome.Problem is { } problem)
        {
            return ApiResults.From(problem);
        }
        var file = outcome.Value!;
        return new UntrustedFileResult(file.Content, file.ContentType) { FileDownloadName = file.FileName };
    }
}
