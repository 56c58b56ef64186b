using D3Chat.Core.Auth;
using D3Chat.Core.Http;
using D3Chat.Core.Outbox;
using D3Chat.Core.Queue;
using Npgsql;

namespace D3Chat.Core.Devices;

/// <summary>Body of <c>POST /api/v1/devices</c>.</summary>
public sealed record CreateDeviceRequest(string? DeviceName, string? DeviceKeyPublic) : IValidatable
{
    public void Validate(Validator v)
    {
        v.Required("device_name", DeviceName, 1, 128);
        v.Length("device_key_public", DeviceKeyPublic, 0, 255);
    }
}

/// <summary>The spec's DeviceResponse (<c>last_seen_at</c> is never written, so always null).</summary>
public sealed record DeviceResponse(Guid Id, string DeviceName, string? DeviceKeyPublic, DateTime? LastSeenAt, DateTime CreatedAt)
{
    public static DeviceResponse From(Device d) => new(d.Id, d.DeviceName, d.DeviceKeyPublic, d.LastSeenAt, d.CreatedAt);
}

/// <summary>The devices route group (spec api.md §5). No device cap, as in the reference.</summary>
public sealed class DeviceService(DeviceStore devices, DeviceAnnouncements announcements, OutboxUnitOfWork unitOfWork, TimeProvider time)
{
    public async Task<DeviceResponse> CreateAsync(CurrentUser caller, CreateDeviceRequest request, CancellationToken ct)
    {
        var device = new Device
        {
            Id = Guid.NewGuid(),
            UserId = caller.Id,
            DeviceName = request.DeviceName!,
            DeviceKeyPublic = request.DeviceKeyPublic,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        await devices.InsertAsync(device, ct);
        return DeviceResponse.From(device);
    }

    public async Task<IReadOnlyList<DeviceResponse>> ListAsync(CurrentUser caller, CancellationToken ct) =>
        [.. (await devices.ListForUserAsync(caller.Id, ct)).Select(DeviceResponse.From)];

    /// <summary>
    /// Deletes one of the caller's devices (its key bundle and sessions cascade) and announces it to
    /// the members of the caller's channels (<c>device.update</c>, removed); someone else's is 404.
    /// </summary>
    public async Task<Outcome<Done>> DeleteAsync(CurrentUser caller, Guid deviceId, CancellationToken ct)
    {
        return await unitOfWork.RunAsync<Outcome<Done>>(async unit =>
        {
            if (!await devices.DeleteOwnAsync(unit.Connection, unit.Transaction, caller.Id, deviceId, ct))
            {
                return Problem.DeviceNotFound;
            }
            await announcements.AddAsync(unit, caller.Id, deviceId, removed: true, time.GetUtcNow(), ct);
            return Outcome.Done;
        }, ct);
    }
}
