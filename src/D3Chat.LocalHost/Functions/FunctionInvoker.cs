using System.Collections.Concurrent;
using System.Reflection;

namespace D3Chat.LocalHost.Functions;

/// <summary>
/// Calls a function method the way the isolated worker does: a new DI scope and a new instance of
/// the function class per invocation, arguments supplied by the trigger-specific binder. What
/// reflection finds about a method (its constructor, parameters, invoker and result getter) is
/// worked out once per method, not at every call (issue 14: it showed in the LocalHost's profile).
/// </summary>
internal sealed class FunctionInvoker(IServiceScopeFactory scopes)
{
    private readonly ConcurrentDictionary<MethodInfo, CompiledFunction> _compiled = new();

    /// <summary>Invokes the function and returns its (awaited) return value, or null for void/Task.</summary>
    public async Task<object?> InvokeAsync(FunctionDescriptor function, Func<ParameterInfo, IServiceProvider, object?> bind)
    {
        var compiled = _compiled.GetOrAdd(function.Method, CompiledFunction.Of);
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var instance = compiled.CreateInstance?.Invoke(services, []);
        try
        {
            var arguments = new object?[compiled.Parameters.Length];
            for (var i = 0; i < arguments.Length; i++)
            {
                arguments[i] = bind(compiled.Parameters[i], services);
            }
            // MethodInvoker throws the method's own exception, not a TargetInvocationException around it.
            var returned = compiled.Invoker.Invoke(instance, arguments.AsSpan());
            return await compiled.UnwrapAsync(returned);
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

    private sealed record CompiledFunction(ObjectFactory? CreateInstance, ParameterInfo[] Parameters, MethodInvoker Invoker, PropertyInfo? TaskResult)
    {
        public static CompiledFunction Of(MethodInfo method)
        {
            var returnType = method.ReturnType;
            // Task<T> exposes Result; a plain Task has nothing to return.
            var taskResult = returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>) ? returnType.GetProperty(nameof(Task<object>.Result)) : null;
            return new CompiledFunction(
                method.IsStatic ? null : ActivatorUtilities.CreateFactory(method.DeclaringType!, Type.EmptyTypes),
                method.GetParameters(),
                MethodInvoker.Create(method),
                taskResult);
        }

        public async Task<object?> UnwrapAsync(object? returned)
        {
            switch (returned)
            {
                case Task task:
                    await task;
                    return TaskResult?.GetValue(task);
                case ValueTask valueTask:
                    await valueTask;
                    return null;
                default:
                    return returned;
            }
        }
    }
}
