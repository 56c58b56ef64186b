namespace D3Chat.Client;

/// <summary><c>{"status":"ok","count":N}</c>: the one-time pre-keys the device now has on the server.</summary>
public sealed record OneTimeKeyCount(string Status, int Count);

public sealed partial class D3ChatClient
{
    /// <summary>Adds one-time pre-keys (possibly none, to learn the count) and returns how many the device now has.</summary>
    public Task<OneTimeKeyCount> AddOneTimeKeysAsync(Guid deviceId, IReadOnlyList<string> oneTimePreKeys, CancellationToken ct = default) =>
        SendAsync<OneTimeKeyCount>(HttpMethod.Post, "/api/v1/keys/one-time", new { device_id = deviceId, one_time_pre_keys = oneTimePreKeys }, ct);
}
