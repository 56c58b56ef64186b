using System.Text.Json;
using Microsoft.AspNetCore.SignalR;

namespace D3Chat.LocalHost.SignalREmulator;

/// <summary>
/// The subset of the service's data-plane REST API v1 that D3Chat uses, with its paths and status
/// codes: sends answer 202; add/remove user to/from a group 202; remove user from all groups 200;
/// the existence checks 200 or 404; closing a user's connections (versioned API) 204; a bad hub name or payload 400; a missing or bad token 401.
/// </summary>
internal static class EmulatorRestApi
{
    public static void MapEmulatorRestApi(this IEndpointRouteBuilder endpoints)
    {
        var hubs = endpoints.MapGroup("/api/v1/hubs/{hub}");
        hubs.MapPost("", (string hub, HttpRequest req, EmulatorState state, IHubContext<EmulatorHub> clients) =>
            SendAsync(req, clients, state.ConnectionsOfHub(hub)));
        hubs.MapPost("/users/{user}", (string hub, string user, HttpRequest req, EmulatorState state, IHubContext<EmulatorHub> clients) =>
            SendAsync(req, clients, state.ConnectionsOfUser(hub, user)));
        hubs.MapPost("/groups/{group}", (string hub, string group, HttpRequest req, EmulatorState state, IHubContext<EmulatorHub> clients) =>
            SendAsync(req, clients, state.ConnectionsOfGroup(hub, group)));
        hubs.MapGet("/users/{user}", (string hub, string user, EmulatorState state) =>
            Exists(state.ConnectionsOfUser(hub, user).Count > 0));
        hubs.MapGet("/groups/{group}", (string hub, string group, EmulatorState state) =>
            Exists(state.ConnectionsOfGroup(hub, group).Count > 0));
        hubs.MapGet("/groups/{group}/users/{user}", (string hub, string group, string user, EmulatorState state) =>
            Exists(state.IsUserInGroup(hub, group, user)));
        hubs.MapPut("/groups/{group}/users/{user}", (string hub, string group, string user, EmulatorState state) =>
        {
            state.AddUserToGroup(hub, group, user);
            return Results.StatusCode(StatusCodes.Status202Accepted);
        });
        hubs.MapDelete("/groups/{group}/users/{user}", (string hub, string group, string user, EmulatorState state) =>
        {
            state.RemoveUserFromGroup(hub, group, user);
            return Results.StatusCode(StatusCodes.Status202Accepted);
        });
        hubs.MapDelete("/users/{user}/groups", (string hub, string user, EmulatorState state) =>
        {
            state.RemoveUserFromAllGroups(hub, user);
            return Results.Ok();
        });
        // From the versioned (2022-06-01) API: close every connection of a user; 204 as the service answers.
        endpoints.MapPost("/api/hubs/{hub}/users/{user}/:closeConnections", (string hub, string user, EmulatorState state) =>
        {
            state.CloseConnectionsOfUser(hub, user);
            return Results.NoContent();
        });
    }

    private static IResult Exists(bool exists) => exists ? Results.Ok() : Results.NotFound();

    // PayloadMessage {target, arguments}; the service accepts either case for the two names.
    private static async Task<IResult> SendAsync(HttpRequest request, IHubContext<EmulatorHub> clients, IReadOnlyList<string> connectionIds)
    {
        string target;
        object?[] arguments;
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || Property(root, "target") is not { ValueKind: JsonValueKind.String } targetElement
                || targetElement.GetString() is not { Length: > 0 } targetText)
            {
                return Results.BadRequest();
            }
            target = targetText;
            arguments = Property(root, "arguments") is { ValueKind: JsonValueKind.Array } args
                ? args.EnumerateArray().Select(a => (object?)a.Clone()).ToArray()
                : [];
        }
        catch (JsonException)
        {
            return Results.BadRequest();
        }
        if (connectionIds.Count > 0)
        {
            await clients.Clients.Clients(connectionIds).SendCoreAsync(target, arguments, request.HttpContext.RequestAborted);
        }
        return Results.StatusCode(StatusCodes.Status202Accepted);
    }

    private static JsonElement? Property(JsonElement obj, string name) =>
        obj.EnumerateObject().Where(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)).Select(p => (JsonElement?)p.Value).FirstOrDefault();
}
