using D3Chat.Core.Keys;

namespace D3Chat.Functions.Api.Keys;

/// <summary>Spec api.md §8 with departure 3: sender keys are per-device envelopes; GET takes the reading device in <c>device_id</c>.</summary>
public sealed class KeyFunctions(KeyService keys, RequestGate gate)
{
    [Function(nameof(UploadKeyBundle))]
    public Task<IActionResult> UploadKeyBundle(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/keys/upload")] HttpRequest req, CancellationToken ct) =>
        gate.Run(req, Access.User, ct).Body<UploadBundleRequest>()
            .Created((call, body) => keys.UploadAsync(call.User, body, ct));

    [Function(nameof(GetUserKeyBundles))]
    public Task<IActionResult> GetUserKeyBundles(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/keys/{userId}/bundles")] HttpRequest req, string userId, CancellationToken ct) =>
        gate.Run(req, Access.User, ct).Id(userId, "user_id")
            .Ok((_, id) => Outcome.Of(keys.BundlesOfUserAsync(id, ct)));

    /// <summary>The user's devices and their published keys; claims no one-time key.</summary>
    [Function(nameof(GetUserDevices))]
    public Task<IActionResult> GetUserDevices(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/keys/{userId}/devices")] HttpRequest req, string userId, CancellationToken ct) =>
        gate.Run(req, Access.User, ct).Id(userId, "user_id")
            .Ok((_, id) => keys.DevicesOfUserAsync(id, ct));

    /// <summary>Every member of the channel with its devices (departure: one request per send instead of one per member).</summary>
    [Function(nameof(GetChannelDevices))]
    public Task<IActionResult> GetChannelDevices(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/keys/channels/{channelId}/devices")] HttpRequest req, string channelId, CancellationToken ct) =>
        gate.Run(req, Access.User, ct).Id(channelId, "channel_id")
            .Ok((call, id) => keys.DevicesOfChannelAsync(call.User, id, ct));

    [Function(nameof(GetDeviceKeyBundle))]
    public Task<IActionResult> GetDeviceKeyBundle(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/keys/{deviceId}/bundle")] HttpRequest req, string deviceId, CancellationToken ct) =>
        gate.Run(req, Access.User, ct).Id(deviceId, "device_id")
            .Ok((_, id) => keys.BundleOfDeviceAsync(id, ct));

    [Function(nameof(UploadOneTimeKeys))]
    public Task<IActionResult> UploadOneTimeKeys(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/keys/one-time")] HttpRequest req, CancellationToken ct) =>
        gate.Run(req, Access.User, ct).Body<OneTimeKeysRequest>()
            .Created((call, body) => keys.AddOneTimeKeysAsync(call.User, body, ct));

    [Function(nameof(PostX3dhSetup))]
    public Task<IActionResult> PostX3dhSetup(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/keys/channels/{channelId}/x3dh-setup")] HttpRequest req, string channelId, CancellationToken ct) =>
        gate.Run(req, Access.User, ct).Id(channelId, "channel_id").Body<X3dhSetupRequest>()
            .Created((call, id, body) => keys.PutX3dhSetupAsync(call.User, id, body, ct));

    [Function(nameof(GetX3dhSetup))]
    public Task<IActionResult> GetX3dhSetup(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/keys/channels/{channelId}/x3dh-setup")] HttpRequest req, string channelId, CancellationToken ct) =>
        gate.Run(req, Access.User, ct).Id(channelId, "channel_id")
            .Ok((call, id) => keys.GetX3dhSetupAsync(call.User, id, ct));

    [Function(nameof(UploadSenderKey))]
    public Task<IActionResult> UploadSenderKey(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/keys/channels/{channelId}/sender-keys")] HttpRequest req, string channelId, CancellationToken ct) =>
        gate.Run(req, Access.User, ct).Id(channelId, "channel_id").Body<UploadSenderKeyRequest>()
            .Created((call, id, body) => keys.UploadSenderKeyAsync(call.User, id, body, ct));

    [Function(nameof(GetSenderKeys))]
    public Task<IActionResult> GetSenderKeys(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/keys/channels/{channelId}/sender-keys")] HttpRequest req, string channelId, CancellationToken ct) =>
        gate.Run(req, Access.User, ct).Id(channelId, "channel_id").Query(q => q.RequiredUuid("device_id"))
            .Ok((call, id, deviceId) => keys.SenderKeysForDeviceAsync(call.User, id, deviceId!.Value, ct));
}
