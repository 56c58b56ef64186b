using System.Collections.Immutable;
using System.Text.Json;
using D3Chat.Functions;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging.Abstractions;

namespace D3Chat.Core.Tests.Http;

/// <summary>The Azure half of the one unhandled-error answer (the LocalHost writes the same body itself).</summary>
public sealed class UnhandledErrorMiddlewareTests
{
    [Fact]
    public async Task Invoke_HttpFunctionThrows_AnswersTheJson500WithoutTheExceptionText()
    {
        var http = new DefaultHttpContext { TraceIdentifier = "trace-1", Response = { Body = new MemoryStream() } };
        var middleware = new UnhandledErrorMiddleware(NullLogger<UnhandledErrorMiddleware>.Instance);

        await middleware.Invoke(new FakeFunctionContext(http), _ => throw new InvalidOperationException("secret SQL"));

        Assert.Equal(500, http.Response.StatusCode);
        http.Response.Body.Position = 0;
        var body = await new StreamReader(http.Response.Body).ReadToEndAsync();
        Assert.DoesNotContain("secret", body, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(body);
        Assert.StartsWith("Internal server error (trace id ", json.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_BackingServiceUnreachable_Answers503WithRetryAfter()
    {
        var http = new DefaultHttpContext { Response = { Body = new MemoryStream() } };
        var middleware = new UnhandledErrorMiddleware(NullLogger<UnhandledErrorMiddleware>.Instance);

        await middleware.Invoke(new FakeFunctionContext(http), _ =>
            throw new Npgsql.NpgsqlException("Failed to connect", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused)));

        Assert.Equal(503, http.Response.StatusCode);
        Assert.Equal("5", http.Response.Headers.RetryAfter.ToString());
        http.Response.Body.Position = 0;
        using var json = JsonDocument.Parse(await new StreamReader(http.Response.Body).ReadToEndAsync());
        Assert.Equal("Service temporarily unavailable; retry later", json.RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Invoke_QueueFunctionThrows_RethrowsSoTheHostRetries()
    {
        var middleware = new UnhandledErrorMiddleware(NullLogger<UnhandledErrorMiddleware>.Instance);

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            middleware.Invoke(new FakeFunctionContext(null), _ => throw new InvalidOperationException("retry me")));
    }

    [Fact]
    public async Task Invoke_FunctionReturns_LeavesTheResponseAlone()
    {
        var http = new DefaultHttpContext { Response = { StatusCode = 201 } };
        var middleware = new UnhandledErrorMiddleware(NullLogger<UnhandledErrorMiddleware>.Instance);

        await middleware.Invoke(new FakeFunctionContext(http), _ => Task.CompletedTask);

        Assert.Equal(201, http.Response.StatusCode);
    }

    /// <summary>Only what the middleware reads: the ASP.NET Core context (as the worker stores it) and the function name.</summary>
    private sealed class FakeFunctionContext(HttpContext? http) : FunctionContext
    {
        public override string InvocationId => "invocation-1";
        public override string FunctionId => "function-1";
        public override TraceContext TraceContext => throw new NotSupportedException();
        public override BindingContext BindingContext => throw new NotSupportedException();
        public override RetryContext RetryContext => throw new NotSupportedException();
        public override IServiceProvider InstanceServices { get; set; } = null!;
        public override FunctionDefinition FunctionDefinition { get; } = new FakeDefinition();
        public override IDictionary<object, object> Items { get; set; } =
            http is null ? new Dictionary<object, object>() : new Dictionary<object, object> { ["HttpRequestContext"] = http };
        public override Microsoft.Azure.Functions.Worker.IInvocationFeatures Features => throw new NotSupportedException();
        public override CancellationToken CancellationToken => CancellationToken.None;
    }

    private sealed class FakeDefinition : FunctionDefinition
    {
        public override ImmutableArray<FunctionParameter> Parameters => [];
        public override string PathToAssembly => "";
        public override string EntryPoint => "";
        public override string Id => "function-1";
        public override string Name => "Throwing";
        public override IImmutableDictionary<string, BindingMetadata> InputBindings => ImmutableDictionary<string, BindingMetadata>.Empty;
        public override IImmutableDictionary<string, BindingMetadata> OutputBindings => ImmutableDictionary<string, BindingMetadata>.Empty;
    }
}
