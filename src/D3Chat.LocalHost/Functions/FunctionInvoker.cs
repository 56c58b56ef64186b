using System.Reflection;

namespace D3Chat.LocalHost.Functions;

/// <summary>
/// Calls a function method the way the isolated worker does: a new DI scope and a new instance of
/// the function class per invocation, arguments supplied by the trigger-specific binder.
/// </summary>
internal sealed class FunctionInvoker(IServiceScopeFactory scopes)
{
    /// <summary>Invokes the function and returns its (awaited) return value, or null for void/Task.</summary>
    public async Task<object?> InvokeAsync(FunctionDescriptor function, Func<ParameterInfo, IServiceProvider, object?> bind)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var instance = function.Method.IsStatic ? null : ActivatorUtilities.CreateInstance(services, function.Method.DeclaringType!);
        try
        {
            var arguments = function.Method.GetParameters().Select(p => bind(p, services)).ToArray();
            object? returned;
            try
            {
                returned = function.Method.Invoke(instance, arguments);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.InnerException);
                throw;
            }
            return await UnwrapAsync(returned);
        }
        finally
        {
            switch (instance)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync();
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
    }

    private static async Task<object?> UnwrapAsync(object? returned)
    {
        switch (returned)
        {
            case Task task:
                await task;
                var type = task.GetType();
                // Task<T> exposes Result; a plain Task (or the runtime's VoidTaskResult) has nothing to return.
                return type.IsGenericType && type.GetProperty("Result") is { } result && result.PropertyType.Name != "VoidTaskResult"
                    ? result.GetValue(task)
                    : null;
            case ValueTask valueTask:
                await valueTask;
                return null;
            default:
                return returned;
        }
    }
}
