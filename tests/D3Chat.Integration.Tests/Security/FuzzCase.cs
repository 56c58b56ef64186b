using System.Net.Http.Headers;

namespace D3Chat.Integration.Tests.Security;

/// <summary>Who sends a fuzz request.</summary>
public enum FuzzCaller
{
    /// <summary>The world's owner for user routes, the superadmin for admin routes, nobody for public ones.</summary>
    Natural,

    /// <summary>No Authorization header at all.</summary>
    Anonymous,
}

/// <summary>A request the fuzz run builds (against the world as it is when it is sent).</summary>
public sealed record FuzzRequest(HttpMethod Method, string PathAndQuery, HttpContent? Content, IReadOnlyList<(string Name, string Value)> Headers, string? Authorization);

/// <summary>
/// One generated case: its operation, category and a short description of the mutation (never a
/// body), and how to build the request. All random choices are made when the case is generated,
/// so the same seed gives the same cases.
/// </summary>
public sealed record FuzzCase(RouteOperation Operation, string Category, string Mutation, FuzzCaller Caller, Func<FuzzWorld, FuzzRequest> Build)
{
    public override string ToString() => $"{Operation.Method} {Operation.Template} [{Category}: {Mutation}]";
}

/// <summary>Request bodies of the fuzz run.</summary>
public static class FuzzContent
{
    public static HttpContent Bytes(byte[] bytes, string? contentType = "application/json", bool chunked = false)
    {
        // A stream has no known length, so HttpClient sends it chunked; a byte array carries Content-Length.
        HttpContent content = chunked ? new StreamContent(new MemoryStream(bytes)) : new ByteArrayContent(bytes);
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        return content;
    }

    public static HttpContent Text(string text, string? contentType = "application/json", bool chunked = false) =>
        Bytes(System.Text.Encoding.UTF8.GetBytes(text), contentType, chunked);

    public static MediaTypeHeaderValue Json => new("application/json");
}
