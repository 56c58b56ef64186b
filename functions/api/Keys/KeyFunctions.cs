using D3Chat.Core.Auth;
using D3Chat.Core.Http;
using D3Chat.Core.Keys;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace D3Chat.Functions.Api.Keys;

/// <summary>Spec api.md §8 with departure 3: sender keys are per-device envelopes; GET takes the reading device in <c>device_id</c>.</summary>
public sealed class KeyFunctions(KeyService keys, AuthGate gate)
{
    [Function(nameof(UploadKeyBundle))]
    public async Task<IActionResult> UploadKeyBundle(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/keys/upload")] HttpRequest req, CancellationToken ct)
    {
        var (caller, denied) = await gate.AuthenticateAsync(req, ct);
        if (denied is not null)
        {
            return denied;
        }
        var (body, invalid) = await RequestBody.ReadAsync<UploadBundleRequest>(req, ct);
        return invalid ?? ApiResults.From(await keys.UploadAsync(caller!, body!, ct), StatusCodes.Status201Created);
    }

    [Function(nameof(GetUserKeyBundles))]
    public async Task<IActionResult> GetUserKeyBundles(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/keys/{userId}/bundles")] HttpRequest req, string userId, CancellationToken ct)
    {
        var (_, denied) = await gate.AuthenticateAsync(req, ct);
        if (denied is not null)
        {
            return denied;
        }
        return RouteIds.TryParse(userId, "user_id", out var id, out var invalid)
            ? ApiResults.Ok(await keys.BundlesOfUserAsync(id, ct)) : invalid!;
    }

    /// <summary>The user's devices and their published keys; claims no one-time key.</summary>
    [Function(nameof(GetUserDevices))]
    public async Task<IActionResult> GetUserDevices(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/keys/{userId}/devices")] HttpRequest req, string userId, CancellationToken ct)
    {
        var (_, id, denied) = await gate.AuthenticateAsync(req, userId, "user_id", ct);
        return denied ?? ApiResults.From(await keys.DevicesOfUserAsync(id, ct));
    }

    [Function(nameof(GetDeviceKeyBundle))]
    public async Task<IActionResult> GetDeviceKeyBundle(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/keys/{deviceId}/bundle")] HttpRequest req, string deviceId, CancellationToken ct)
    {
        var (_, denied) = await gate.AuthenticateAsync(req, ct);
        if (denied is not null)
        {
            return denied;
        }
        return RouteIds.TryParse(deviceId, "device_id", out var id, out var invalid)
            ? ApiResults.From(await keys.BundleOfDeviceAsync(id, ct)) : invalid!;
    }

    [Function(nameof(UploadOneTimeKeys))]
    public async Task<IActionResult> UploadOneTimeKeys(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/keys/one-time")] HttpRequest req, CancellationToken ct)
    {
        var (caller, denied) = await gate.AuthenticateAsync(req, ct);
        if (denied is not null)
        {
            return denied;
        }
        var (body, invalid) = await RequestBody.ReadAsync<OneTimeKeysRequest>(req, ct);
        return invalid ?? ApiResults.From(await keys.AddOneTimeKeysAsync(caller!, body!, ct), StatusCodes.Status201Created);
    }

    [Function(nameof(PostX3dhSetup))]
    public async Task<IActionResult> PostX3dhSetup(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/keys/channels/{channelId}/x3dh-setup")] HttpRequest req, string channelId, CancellationToken ct)
    {
        var (caller, id, denied) = await gate.AuthenticateAsync(req, channelId, "channel_id", ct);
        if (denied is not null)
        {
            return denied;
        }
        var (body, invalid) = await RequestBody.ReadAsync<X3dhSetupRequest>(req, ct);
        return invalid ?? ApiResults.From(await keys.PutX3dhSetupAsync(caller!, id, body!, ct), StatusCodes.Status201Created);
    }

    [Function(nameof(GetX3dhSetup))]
    public async Task<IActionResult> GetX3dhSetup(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/keys/channels/{channelId}/x3dh-setup")] HttpRequest req, string channelId, CancellationToken ct)
    {
        var (caller, denied) = await gate.AuthenticateAsync(req, ct);
        if (denied is not null)
        {
            return denied;
        }
        return RouteIds.TryParse(channelId, "channel_id", out var id, out var invalid)
            ? ApiResults.From(await keys.GetX3dhSetupAsync(caller!, id, ct)) : invalid!;
    }

    [Function(nameof(UploadSenderKey))]
    public async Task<IActionResult> UploadSenderKey(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/keys/channels/{channelId}/sender-keys")] HttpRequest req, string channelId, CancellationToken ct)
    {
        var (caller, id, denied) = await gate.AuthenticateAsync(req, channelId, "channel_id", ct);
        if (denied is not null)
        {
            return denied;
        }
        var (body, invalid) = await RequestBody.ReadAsync<UploadSenderKeyRequest>(req, ct);
        return invalid ?? ApiResults.From(await keys.UploadSenderKeyAsync(caller!, id, body!, ct), StatusCodes.Status201Created);
    }

    [Function(nameof(GetSenderKeys))]
    public async Task<IActionResult> GetSenderKeys(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/keys/channels/{channelId}/sender-keys")] HttpRequest req, string channelId, CancellationToken ct)
    {
        var (caller, id, denied) = await gate.AuthenticateAsync(req, channelId, "channel_id", ct);
        if (denied is not null)
        {
            return denied;
        }
        var query = new QueryParams(req);
        var deviceId = query.RequiredUuid("device_id");
        if (query.Invalid is { } badQuery)
        {
            return badQuery;
        }
        return ApiResults.From(await keys.SenderKeysForDeviceAsync(caller!, id, deviceId!.Value, ct));
    }
}
