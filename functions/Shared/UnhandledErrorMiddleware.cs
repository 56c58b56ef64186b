using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;

namespace D3Chat.Functions;

/// <summary>
/// Azure's half of the one unhandled-error answer: an exception a function does not handle is logged
/// and answered with <see cref="ApiResults.WriteUnhandledAsync"/> (JSON 500 with the trace id),
/// instead of the worker's bare 500. The LocalHost, which calls function methods directly and so
/// never runs worker middleware, answers the same way from its endpoint wrapper. An unreachable
/// backing service (<see cref="ServiceOutage.IsOutage"/>) is answered 503 with Retry-After instead.
/// </summary>
internal sealed partial class UnhandledErrorMiddleware(ILogger<UnhandledErrorMiddleware> logger) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (context.GetHttpContext() is { Response.HasStarted: false } http && !http.RequestAborted.IsCancellationRequested)
        {
            if (ServiceOutage.IsOutage(ex))
            {
                LogOutage(context.FunctionDefinition.Name, ex);
                await ServiceOutage.WriteAsync(http);
                return;
            }
            LogUnhandled(context.FunctionDefinition.Name, ex);
            await ApiResults.WriteUnhandledAsync(http);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Function {Function} could not reach a backing service; answered 503")]
    private partial void LogOutage(string function, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Function {Function} threw")]
    private partial void LogUnhandled(string function, Exception exception);
}
