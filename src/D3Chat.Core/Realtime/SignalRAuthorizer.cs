using System.Net.Http.Headers;
using System.Text.Json;
using Azure.Core;
using D3Chat.Core.Caching;
using D3Chat.Core.Identity;

namespace D3Chat.Core.Realtime;

/// <summary>How the server authorizes its SignalR Service REST calls and obtains client connection tokens.</summary>
public interface ISignalRAuthorizer
{
    /// <summary>The bearer token of one REST call to <paramref name="requestUrl"/>.</summary>
    ValueTask<string> ServerTokenAsync(string requestUrl, CancellationToken ct);

    /// <summary>A token that lets <paramref name="userId"/> connect to <paramref name="clientUrl"/>.</summary>
    ValueTask<string> ClientTokenAsync(string clientUrl, Guid userId, CancellationToken ct);

    /// <summary>The authorizer the endpoint calls for: its access key, or Microsoft Entra ID.</summary>
    static ISignalRAuthorizer For(SignalREndpoint endpoint, string hub, HttpClient http, TimeProvider time) =>
        endpoint.UsesIdentity
            ? new EntraSignalRAuthorizer(endpoint, hub, AzureCredentials.For(endpoint.ClientId), http)
            : new AccessKeySignalRAuthorizer(new SignalRTokens(endpoint, time), time);
}

/// <summary>
/// Tokens signed locally with the access key (offline emulator, or a service with local auth on). A
/// server token is good for five minutes at its one URL, and signing one per REST call cost about
/// 11 µs of the fanout's time per message (issue 14): each URL's token is reused for half its lifetime.
/// </summary>
internal sealed class AccessKeySignalRAuthorizer(SignalRTokens tokens, TimeProvider time) : ISignalRAuthorizer
{
    /// <summary>URLs whose token is kept at most (one per channel group and user); when full the cache starts over.</summary>
    public const int ServerTokensKept = 4_096;

    private readonly ExpiringMemo<string, string> _serverTokens = new(ServerTokensKept);

    public ValueTask<string> ServerTokenAsync(string requestUrl, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (!_serverTokens.TryGet(requestUrl, now, out var token))
        {
            token = tokens.ServerToken(requestUrl);
            _serverTokens.Set(requestUrl, token, now + SignalRTokens.ServerTokenLifetime / 2);
        }
        return ValueTask.FromResult(token);
    }

    public ValueTask<string> ClientTokenAsync(string clientUrl, Guid userId, CancellationToken ct) =>
        ValueTask.FromResult(tokens.ClientToken(clientUrl, userId));
}

/// <summary>
/// Keyless SignalR (local auth disabled): REST calls carry a Microsoft Entra token of the app's
/// managed identity (role <i>SignalR REST API Owner</i>), and client tokens come from the service's
/// own <c>POST /api/hubs/{hub}/:generateToken</c>, so no signing key exists anywhere in the app.
/// </summary>
internal sealed class EntraSignalRAuthorizer(SignalREndpoint endpoint, string hub, TokenCredential credential, HttpClient http) : ISignalRAuthorizer
{
    public const string Scope = "https://signalr.azure.com/.default";
    public const string GenerateTokenApiVersion = "2024-12-01";

    public async ValueTask<string> ServerTokenAsync(string requestUrl, CancellationToken ct) =>
        (await credential.GetTokenAsync(new TokenRequestContext([Scope]), ct)).Token;

    public async ValueTask<string> ClientTokenAsync(string clientUrl, Guid userId, CancellationToken ct)
    {
        var minutes = (int)SignalRTokens.ClientTokenLifetime.TotalMinutes;
        var url = endpoint.ServerUrl(
            $"/api/hubs/{Uri.EscapeDataString(hub)}/:generateToken?api-version={GenerateTokenApiVersion}&userId={userId:D}&minutesToExpire={minutes}");
        using var request = new HttpRequestMessage(HttpMethod.Post, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await ServerTokenAsync(url, ct));
        using var response = await http.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new RealtimeDeliveryException($"SignalR Service generateToken failed: HTTP {(int)response.StatusCode}");
        }
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        using var json = await JsonDocument.ParseAsync(body, cancellationToken: ct);
        return json.RootElement.TryGetProperty("token", out var token) && token.GetString() is { Length: > 0 } value
            ? value
            : throw new RealtimeDeliveryException("SignalR Service generateToken answered without a token");
    }
}
