using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace D3Chat.LocalHost.Functions;

/// <summary>
/// Finds every <c>[Function]</c> method of the function app assemblies by reflection, the way the
/// worker SDK's metadata generator does, so the LocalHost serves exactly what Azure would.
/// </summary>
internal static class FunctionCatalog
{
    public static IReadOnlyList<FunctionDescriptor> Discover(IReadOnlyDictionary<string, Assembly> apps)
    {
        var functions = new List<FunctionDescriptor>();
        foreach (var (app, assembly) in apps)
        {
            foreach (var method in assembly.GetTypes().SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)))
            {
                if (method.GetCustomAttribute<FunctionAttribute>() is { } function)
                {
                    functions.Add(Describe(app, function.Name, method));
                }
            }
        }
        return functions.OrderBy(f => f.App).ThenBy(f => f.Name).ToList();
    }

    private static FunctionDescriptor Describe(string app, string name, MethodInfo method)
    {
        foreach (var parameter in method.GetParameters())
        {
            if (parameter.ParameterType == typeof(FunctionContext))
            {
                throw new InvalidOperationException(
                    $"{app}/{name} takes a FunctionContext; D3Chat functions must not (architecture decision 1), so the LocalHost can call them.");
            }
            if (parameter.GetCustomAttribute<HttpTriggerAttribute>() is { } http)
            {
                var methods = (http.Methods ?? ["get", "post", "put", "patch", "delete", "head", "options"]).Select(m => m.ToUpperInvariant()).ToList();
                return new FunctionDescriptor(app, name, method, TriggerKind.Http, Route: http.Route ?? name, HttpMethods: methods);
            }
            if (parameter.GetCustomAttribute<QueueTriggerAttribute>() is { } queue)
            {
                return new FunctionDescriptor(app, name, method, TriggerKind.Queue, QueueName: queue.QueueName);
            }
            if (parameter.GetCustomAttribute<TimerTriggerAttribute>() is { } timer)
            {
                return new FunctionDescriptor(app, name, method, TriggerKind.Timer, Schedule: timer.Schedule, RunOnStartup: timer.RunOnStartup);
            }
        }
        throw new InvalidOperationException($"{app}/{name} has a trigger the LocalHost does not support.");
    }
}
