using D3Chat.Core.Queue;

namespace D3Chat.LocalHost.Functions;

internal static class FunctionTriggerRegistration
{
    /// <summary>One background service per queue and timer function, configured from that app's host.json.</summary>
    public static IServiceCollection AddFunctionTriggers(this IServiceCollection services, IEnumerable<FunctionDescriptor> functions, string repoRoot)
    {
        // The Storage-queue publisher wakes the listeners of the queues this process sends to.
        services.AddSingleton<QueueWakeups>();
        services.AddSingleton<IQueueSendObserver>(sp => sp.GetRequiredService<QueueWakeups>());
        foreach (var function in functions)
        {
            switch (function.Trigger)
            {
                case TriggerKind.Queue:
                    var options = QueueHostOptions.FromHostJson(Path.Combine(repoRoot, "functions", function.App, "host.json"));
                    services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<QueueTriggerListener>(sp, function, options));
                    break;
                case TriggerKind.Timer:
                    services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<TimerTriggerScheduler>(sp, function));
                    break;
            }
        }
        return services;
    }
}
