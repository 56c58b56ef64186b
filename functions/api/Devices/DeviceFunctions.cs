using D3Chat.Core.Auth;
using D3Chat.Core.Devices;
using D3Chat.Core.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace D3Chat.Functions.Api.Devices;

/// <summary>Spec api.md §5.</summary>
public sealed class DeviceFunctions(DeviceService devices, AuthGate gate)
{
    [Function(nameof(CreateDevice))]
    public async Task<IActionResult> CreateDevice(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/devices")] HttpRequest req, CancellationToken ct)
    {
        var (caller, denied) = await gate.AuthenticateAsync(req, ct);
        if (denied is not null)
        {
            return denied;
        }
        var (body, invalid) = await RequestBody.ReadAsync<CreateDeviceRequest>(req, ct);
        return invalid ?? ApiResults.Created(await devices.CreateAsync(caller!, body!, ct));
    }

    [Function(nameof(ListDevices))]
    public async Task<IActionResult> ListDevices(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/devices")] HttpRequest req, CancellationToken ct)
    {
        var (caller, denied) = await gate.AuthenticateAsync(req, ct);
        return denied ?? ApiResults.Ok(await devices.ListAsync(caller!, ct));
    }

    [Function(nameof(DeleteDevice))]
    public async Task<IActionResult> DeleteDevice(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "api/v1/devices/{device_id}")] HttpRequest req, string device_id, CancellationToken ct)
    {
        var (caller, id, denied) = await gate.AuthenticateAsync(req, device_id, "device_id", ct);
        if (denied is not null)
        {
            return denied;
        }
        return await devices.DeleteAsync(caller!, id, ct) is { } problem ? ApiResults.From(problem) : ApiResults.NoContent();
    }
}
