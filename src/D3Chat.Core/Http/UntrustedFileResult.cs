using Microsoft.AspNetCore.Mvc;

namespace D3Chat.Core.Http;

/// <summary>
/// A file whose bytes came from a user (avatars, attachments): served with <c>nosniff</c>, so a
/// browser never reinterprets it as another type, and a CSP that lets it run nothing, load nothing
/// and be framed nowhere, so even HTML or SVG opened directly from our origin is inert.
/// </summary>
public sealed class UntrustedFileResult(Stream content, string contentType) : FileStreamResult(content, contentType)
{
    public const string ContentSecurityPolicy = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox; frame-ancestors 'none'";

    public override Task ExecuteResultAsync(ActionContext context)
    {
        var headers = context.HttpContext.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        return base.ExecuteResultAsync(context);
    }
}
