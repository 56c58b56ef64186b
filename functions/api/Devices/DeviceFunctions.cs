using D3Chat.Core.Devices;

namespace D3Chat.Functions.Api.Devices;

/// <summary>Spec api.md §5.</summary>
public sealed class DeviceFunctions(DeviceService devices, RequestGate gate)
{
    [Function(nameof(CreateDevice))]
    public Task<IActionResult> CreateDevice(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/devices")] HttpRequest req, CancellationToken ct) =>
        gate.Run(req, Access.User, ct).Body<CreateDeviceRequest>()
            .Created((call, body) => Outcome.Of(devices.CreateAsync(call.User, body, ct)));

    [Function(nameof(ListDevices))]
    public Task<IActionResult> ListDevices(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/devices")] HttpRequest req, CancellationToken ct) =>
        gate.Run(req, Access.User, ct).Ok(call => Outcome.Of(devices.ListAsync(call.User, ct)));

    [Function(nameof(DeleteDevice))]
    public Task<IActionResult> DeleteDevice(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "api/v1/devices/{device_id}")] HttpRequest req, string device_id, CancellationToken ct) =>
        gate.Run(req, Access.User, ct).Id(device_id, "device_id")
            .NoContent((call, id) => devices.DeleteAsync(call.User, id, ct));
}
