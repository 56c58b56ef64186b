using System.Globalization;
using System.Reflection;
using D3Chat.Core.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;

namespace D3Chat.LocalHost.Functions;

/// <summary>
/// Maps each <c>[HttpTrigger]</c> function to its route, verbatim (host.json sets <c>routePrefix: ""</c>).
/// Binding follows the worker's ASP.NET Core integration: <see cref="HttpRequest"/>, route values
/// to same-named parameters, and the request's <see cref="CancellationToken"/>.
/// </summary>
internal static partial class HttpFunctionEndpoints
{
    public static void MapFunctionEndpoints(this IEndpointRouteBuilder endpoints, IEnumerable<FunctionDescriptor> functions)
    {
        foreach (var function in functions.Where(f => f.Trigger == TriggerKind.Http))
        {
            endpoints.MapMethods("/" + function.Route!.TrimStart('/'), function.HttpMethods!, context => InvokeAsync(function, context))
                .WithDisplayName($"{function.App}/{function.Name}");
        }
    }

    private static async Task InvokeAsync(FunctionDescriptor function, HttpContext context)
    {
        var invoker = context.RequestServices.GetRequiredService<FunctionInvoker>();
        object? result;
        try
        {
            result = await invoker.InvokeAsync(function, (parameter, _) => Bind(parameter, context));
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("D3Chat.LocalHost.Http");
            if (ServiceOutage.IsOutage(ex))
            {
                // A backing service is down: 503 + Retry-After, not a 500 (issue 13).
                LogOutage(logger, function.App, function.Name, ex);
                if (!context.Response.HasStarted)
                {
                    await ServiceOutage.WriteAsync(context);
                }
                return;
            }
            LogUnhandled(logger, function.App, function.Name, ex);
            if (!context.Response.HasStarted)
            {
                await ApiResults.WriteUnhandledAsync(context);
            }
            return;
        }
        await WriteResultAsync(result, context);
    }

    private static object? Bind(ParameterInfo parameter, HttpContext context)
    {
        var type = parameter.ParameterType;
        if (type == typeof(HttpRequest))
        {
            return context.Request;
        }
        if (type == typeof(CancellationToken))
        {
            return context.RequestAborted;
        }
        if (type == typeof(HttpContext))
        {
            return context;
        }
        var raw = context.Request.RouteValues.TryGetValue(parameter.Name!, out var value) ? value?.ToString() : null;
        if (raw is null)
        {
            return parameter.HasDefaultValue ? parameter.DefaultValue : null;
        }
        var target = Nullable.GetUnderlyingType(type) ?? type;
        return target == typeof(string) ? raw
            : target == typeof(Guid) ? Guid.Parse(raw, CultureInfo.InvariantCulture)
            : Convert.ChangeType(raw, target, CultureInfo.InvariantCulture);
    }

    private static async Task WriteResultAsync(object? result, HttpContext context)
    {
        switch (result)
        {
            case IActionResult actionResult:
                await actionResult.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
                break;
            case IResult httpResult:
                await httpResult.ExecuteAsync(context);
                break;
            case null:
                context.Response.StatusCode = StatusCodes.Status200OK;
                break;
            default:
                await context.Response.WriteAsJsonAsync(result, result.GetType(), ApiResults.Json);
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Function {App}/{Function} could not reach a backing service; answered 503")]
    private static partial void LogOutage(ILogger logger, string app, string function, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Function {App}/{Function} threw")]
    private static partial void LogUnhandled(ILogger logger, string app, string function, Exception exception);
}
