using System.Reflection;

namespace D3Chat.LocalHost.Functions;

internal enum TriggerKind
{
    Http,
    Queue,
    Timer,
}

/// <summary>One <c>[Function]</c> method found in a function app assembly, with what its trigger says.</summary>
internal sealed record FunctionDescriptor(
    string App,
    string Name,
    MethodInfo Method,
    TriggerKind Trigger,
    string? Route = null,
    IReadOnlyList<string>? HttpMethods = null,
    string? QueueName = null,
    string? Schedule = null,
    bool RunOnStartup = false);
