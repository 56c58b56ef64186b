using D3Chat.Core.Storage;

namespace D3Chat.LocalHost.Functions;

internal static class FunctionTriggerRegistration
{
    /// <summary>One background service per queue and timer function, configured from that app's host.json.</summary>
    public static IServiceCollection AddFunctionTriggers(this IServiceCollection services, IEnumerable<FunctionDescriptor> functions, string repoRoot)
    {
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
