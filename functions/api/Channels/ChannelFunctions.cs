using D3Chat.Core.Auth;
using D3Chat.Core.Channels;
using D3Chat.Core.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace D3Chat.Functions.Api.Channels;

/// <summary>Spec api.md §6, with departure 2 (membership enforced; private groups and DMs not joinable).</summary>
public sealed class ChannelFunctions(ChannelService channels, AuthGate gate)
{
    [Function(nameof(CreateChannel))]
    public async Task<IActionResult> CreateChannel(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/channels")] HttpRequest req, CancellationToken ct)
    {
        var (caller, denied) = await gate.AuthenticateAsync(req, ct);
        if (denied is not null)
        {
            return denied;
        }
        var (body, invalid) = await RequestBody.ReadAsync<CreateChannelRequest>(req, ct);
        return invalid ?? ApiResults.From(await channels.CreateAsync(caller!, body!, ct), StatusCodes.Status201Created);
    }

    [Function(nameof(ListChannels))]
    public async Task<IActionResult> ListChannels(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/channels")] HttpRequest req, CancellationToken ct)
    {
        var (caller, denied) = await gate.AuthenticateAsync(req, ct);
        return denied ?? ApiResults.Ok(await channels.ListAsync(caller!, ct));
    }

    [Function(nameof(GetChannel))]
    public async Task<IActionResult> GetChannel(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/channels/{channelId}")] HttpRequest req, string channelId, CancellationToken ct)
    {
        var (caller, denied) = await gate.AuthenticateAsync(req, ct);
        if (denied is not null)
        {
            return denied;
        }
        return RouteIds.TryParse(channelId, "channel_id", out var id, out var invalid)
            ? ApiResults.From(await channels.GetAsync(caller!, id, ct)) : invalid!;
    }

    [Function(nameof(UpdateChannel))]
    public async Task<IActionResult> UpdateChannel(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "api/v1/channels/{channelId}")] HttpRequest req, string channelId, CancellationToken ct)
    {
        var (caller, id, denied) = await gate.AuthenticateAsync(req, channelId, "channel_id", ct);
        if (denied is not null)
        {
            return denied;
        }
        var (body, invalid) = await RequestBody.ReadAsync<UpdateChannelRequest>(req, ct);
        return invalid ?? ApiResults.From(await channels.UpdateAsync(caller!, id, body!, ct));
    }

    [Function(nameof(DeleteChannel))]
    public async Task<IActionResult> DeleteChannel(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "api/v1/channels/{channelId}")] HttpRequest req, string channelId, CancellationToken ct)
    {
        var (caller, denied) = await gate.AuthenticateAsync(req, ct);
        if (denied is not null)
        {
            return denied;
        }
        return RouteIds.TryParse(channelId, "channel_id", out var id, out var invalid)
            ? ApiResults.From(await channels.DeleteAsync(caller!, id, ct), StatusCodes.Status204NoContent) : invalid!;
    }

    [Function(nameof(JoinChannel))]
    public async Task<IActionResult> JoinChannel(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/channels/{channelId}/join")] HttpRequest req, string channelId, CancellationToken ct)
    {
        var (caller, denied) = await gate.AuthenticateAsync(req, ct);
        if (denied is not null)
        {
            return denied;
        }
        return RouteIds.TryParse(channelId, "channel_id", out var id, out var invalid)
            ? ApiResults.From(await channels.JoinAsync(caller!, id, ct), StatusCodes.Status204NoContent) : invalid!;
    }

    [Function(nameof(LeaveChannel))]
    public async Task<IActionResult> LeaveChannel(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/channels/{channelId}/leave")] HttpRequest req, string channelId, CancellationToken ct)
    {
        var (caller, id, denied) = await gate.AuthenticateAsync(req, channelId, "channel_id", ct);
        if (denied is not null)
        {
            return denied;
        }
        await channels.LeaveAsync(caller!, id, ct);
        return ApiResults.NoContent();
    }

    [Function(nameof(ListChannelMembers))]
    public async Task<IActionResult> ListChannelMembers(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/channels/{channelId}/members")] HttpRequest req, string channelId, CancellationToken ct)
    {
        var (caller, denied) = await gate.AuthenticateAsync(req, ct);
        if (denied is not null)
        {
            return denied;
        }
        return RouteIds.TryParse(channelId, "channel_id", out var id, out var invalid)
            ? ApiResults.From(await channels.MembersAsync(caller!, id, ct)) : invalid!;
    }

    [Function(nameof(AddChannelMember))]
    public async Task<IActionResult> AddChannelMember(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/channels/{channelId}/members")] HttpRequest req, string channelId, CancellationToken ct)
    {
        var (caller, id, denied) = await gate.AuthenticateAsync(req, channelId, "channel_id", ct);
        if (denied is not null)
        {
            return denied;
        }
        var (body, invalid) = await RequestBody.ReadAsync<UserIdRequest>(req, ct);
        return invalid ?? ApiResults.From(await channels.AddMemberAsync(caller!, id, body!.UserId!.Value, ct), StatusCodes.Status201Created);
    }

    [Function(nameof(CreateDm))]
    public async Task<IActionResult> CreateDm(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/channels/dm")] HttpRequest req, CancellationToken ct)
    {
        var (caller, denied) = await gate.AuthenticateAsync(req, ct);
        if (denied is not null)
        {
            return denied;
        }
        var (body, invalid) = await RequestBody.ReadAsync<UserIdRequest>(req, ct);
        return invalid ?? ApiResults.From(await channels.CreateDmAsync(caller!, body!.UserId!.Value, ct), StatusCodes.Status201Created);
    }
}
