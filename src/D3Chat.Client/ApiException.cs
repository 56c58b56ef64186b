using System.Net;

namespace D3Chat.Client;

/// <summary>A non-success answer from a D3Chat server, with the spec's <c>detail</c> text when it sent one.</summary>
public sealed class ApiException(HttpStatusCode status, string? detail, string body)
    : Exception($"{(int)status} {status}: {detail ?? body}")
{
    public HttpStatusCode Status { get; } = status;

    public string? Detail { get; } = detail;

    public string Body { get; } = body;
}
