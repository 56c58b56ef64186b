using System.Text;

namespace D3Chat.Integration.Tests.Security;

/// <summary>
/// The valid request of an operation, in the parts both the fuzz run and the authorization matrix
/// build on: the route with real ids, the query string, and a valid upload.
/// </summary>
public static class SeedRequests
{
    /// <summary>A 1×1 PNG: an upload every multipart route accepts (the avatar route checks the bytes).</summary>
    public static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    public const string Boundary = "fuzzboundary";

    public const string FileHeaders = "Content-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png";

    /// <summary>One multipart part (and the closing boundary unless <paramref name="close"/> is false).</summary>
    public static byte[] Part(string boundary, string headers, byte[] content, bool close = true) =>
        [.. Encoding.UTF8.GetBytes($"--{boundary}\r\n{headers}\r\n\r\n"), .. content, .. Encoding.UTF8.GetBytes(close ? $"\r\n--{boundary}--\r\n" : "\r\n")];

    /// <summary>A valid <c>file</c> upload of <see cref="Png"/>.</summary>
    public static HttpContent ValidUpload() => FuzzContent.Bytes(Part(Boundary, FileHeaders, Png), $"multipart/form-data; boundary={Boundary}");

    /// <summary>The route with real ids from <paramref name="value"/>, except the parameters given (their values already URL-safe).</summary>
    public static string Path(RouteOperation op, Func<string, string> value, params (string Name, string Value)[] replaced)
    {
        var path = op.Template;
        foreach (var parameter in op.PathParameters)
        {
            var filled = replaced.FirstOrDefault(r => r.Name == parameter).Value ?? Uri.EscapeDataString(value(parameter));
            path = path.Replace("{" + parameter + "}", filled, StringComparison.Ordinal);
        }
        return path;
    }

    /// <summary>The path with the query parameters appended; their values are already URL-safe.</summary>
    public static string WithQuery(string path, IReadOnlyDictionary<string, string> escaped) =>
        path + (escaped.Count == 0 ? "" : "?" + string.Join('&', escaped.Select(p => $"{p.Key}={p.Value}")));

    /// <summary>Query values escaped for <see cref="WithQuery"/>.</summary>
    public static Dictionary<string, string> Escaped(IReadOnlyDictionary<string, string> query) =>
        query.ToDictionary(p => p.Key, p => Uri.EscapeDataString(p.Value));
}
