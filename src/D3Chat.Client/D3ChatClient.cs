using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace D3Chat.Client;

/// <summary>
/// Typed client for the D3Chat HTTP API, used by the integration tests, bots and load generators.
/// Each route group lives in its own partial file; this one holds the plumbing.
/// </summary>
public sealed partial class D3ChatClient(HttpClient http)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public HttpClient Http { get; } = http;

    /// <summary>The bearer token sent with every request, once set (e.g. after login).</summary>
    public string? AccessToken { get; set; }

    /// <summary>Sends a request and returns the raw response; never throws for HTTP status codes.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is HttpContent content)
        {
            request.Content = content;
        }
        else if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }
        if (AccessToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AccessToken);
        }
        return await Http.SendAsync(request, ct);
    }

    /// <summary>Sends a request and deserialises a success body; throws <see cref="ApiException"/> otherwise.</summary>
    public async Task<T> SendAsync<T>(HttpMethod method, string path, object? body = null, CancellationToken ct = default)
    {
        using var response = await SendAsync(method, path, body, ct);
        await EnsureSuccessAsync(response, ct);
        return (await response.Content.ReadFromJsonAsync<T>(Json, ct))!;
    }

    /// <summary>Sends a request that answers with no body (204); throws <see cref="ApiException"/> on failure.</summary>
    public async Task SendNoContentAsync(HttpMethod method, string path, object? body = null, CancellationToken ct = default)
    {
        using var response = await SendAsync(method, path, body, ct);
        await EnsureSuccessAsync(response, ct);
    }

    public static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        var text = await response.Content.ReadAsStringAsync(ct);
        throw new ApiException(response.StatusCode, ReadDetail(text), text);
    }

    /// <summary>The <c>detail</c> string of an error body, or null when there is none.</summary>
    public static string? ReadDetail(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("detail", out var detail)
                && detail.ValueKind == JsonValueKind.String ? detail.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
