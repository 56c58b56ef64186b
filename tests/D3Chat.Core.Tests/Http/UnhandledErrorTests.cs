using System.Diagnostics;
using System.Text.Json;
using D3Chat.Core.Http;
using Microsoft.AspNetCore.Http;

namespace D3Chat.Core.Tests.Http;

/// <summary>The one JSON 500 that the Functions worker middleware and the LocalHost both write.</summary>
public sealed class UnhandledErrorTests
{
    [Fact]
    public async Task WriteUnhandledAsync_ReplacesAnyPartialResponseWithTheJson500AndTraceId()
    {
        using var activity = new Activity("request").SetIdFormat(ActivityIdFormat.W3C).Start();
        var context = new DefaultHttpContext { Response = { Body = new MemoryStream(), StatusCode = 201 } };
        context.Response.Headers["X-Partial"] = "1";

        await ApiResults.WriteUnhandledAsync(context);

        Assert.Equal(500, context.Response.StatusCode);
        Assert.False(context.Response.Headers.ContainsKey("X-Partial"));
        Assert.StartsWith("application/json", context.Response.ContentType);
        context.Response.Body.Position = 0;
        using var body = await JsonDocument.ParseAsync(context.Response.Body);
        Assert.Equal($"Internal server error (trace id {activity.TraceId})", body.RootElement.GetProperty("detail").GetString());
        Assert.Single(body.RootElement.EnumerateObject());
    }

    [Fact]
    public async Task WriteUnhandledAsync_WithoutAnActivity_UsesTheHostTraceIdentifier()
    {
        Activity.Current = null;
        var context = new DefaultHttpContext { TraceIdentifier = "0HN1:00000001", Response = { Body = new MemoryStream() } };

        await ApiResults.WriteUnhandledAsync(context);

        context.Response.Body.Position = 0;
        using var body = await JsonDocument.ParseAsync(context.Response.Body);
        Assert.Equal("Internal server error (trace id 0HN1:00000001)", body.RootElement.GetProperty("detail").GetString());
    }
}
