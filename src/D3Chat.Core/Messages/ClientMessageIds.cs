using D3Chat.Core.Http;

namespace D3Chat.Core.Messages;

/// <summary>
/// Idempotent sends (issue 13): a client names each send with <c>client_message_id</c> (body) or an
/// <c>Idempotency-Key</c> header, and a retry by the same sender in the same channel within
/// <see cref="Window"/> returns the first message instead of storing another. Stored in
/// <c>message_client_ids</c> (migration 0008), whose primary key decides the race.
/// </summary>
public static class ClientMessageIds
{
    public const string HeaderName = "Idempotency-Key";
    public const int MaxLength = 128;
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    public const string InvalidMessage = "client_message_id must be 1-128 printable ASCII characters without spaces";
    public const string ConflictingHeader = "client_message_id and the Idempotency-Key header differ; send one of them";

    /// <summary>
    /// The request with the <c>Idempotency-Key</c> header folded into <c>client_message_id</c>; an
    /// error when the header is malformed or names another id than the body.
    /// </summary>
    public static (SendMessageRequest Request, FieldError? Error) WithHeader(SendMessageRequest request, string? header)
    {
        if (string.IsNullOrEmpty(header))
        {
            return (request, null);
        }
        if (!IsValid(header))
        {
            return (request, new FieldError(["header", HeaderName], InvalidMessage, "value_error"));
        }
        if (request.ClientMessageId is { } fromBody && fromBody != header)
        {
            return (request, new FieldError(["header", HeaderName], ConflictingHeader, "value_error"));
        }
        return (request with { ClientMessageId = header }, null);
    }

    /// <summary>As above, with the header of <paramref name="http"/> (the shape the request pipeline's body step takes).</summary>
    public static (SendMessageRequest Request, FieldError? Error) WithHeader(SendMessageRequest request, Microsoft.AspNetCore.Http.HttpRequest http) =>
        WithHeader(request, http.Headers[HeaderName].ToString());

    /// <summary>1–128 characters from <c>!</c> to <c>~</c>: UUIDs, ULIDs and counters fit, and it is safe to log nowhere and compare bytewise.</summary>
    public static bool IsValid(string value) =>
        value.Length is > 0 and <= MaxLength && value.All(c => c is > ' ' and <= '~');
}
