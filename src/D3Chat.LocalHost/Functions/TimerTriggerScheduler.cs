using System.Globalization;
using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using NCrontab;

namespace D3Chat.LocalHost.Functions;

/// <summary>
/// Runs one <c>[TimerTrigger]</c> function on its schedule: a six-field NCRONTAB expression (with
/// seconds, as Azure Functions uses) or a TimeSpan interval, after resolving <c>%Setting%</c> names.
/// Runs never overlap: the next occurrence is computed after the previous run finished.
/// </summary>
internal sealed partial class TimerTriggerScheduler(
    FunctionDescriptor function,
    FunctionInvoker invoker,
    IConfiguration configuration,
    TimeProvider time,
    ILogger<TimerTriggerScheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var expression = AppSettingExpression.Resolve(function.Schedule!, configuration);
        var next = NextOccurrence(expression);
        DateTime? last = null;
        if (function.RunOnStartup)
        {
            await RunAsync(last, time.GetUtcNow().UtcDateTime, stoppingToken);
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow().UtcDateTime;
            var due = next(now);
            try
            {
                await Task.Delay(due - now, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            await RunAsync(last, due, stoppingToken);
            last = due;
        }
    }

    /// <summary>Parses a schedule into a "next occurrence after" function; public so tests can check parsing.</summary>
    public static Func<DateTime, DateTime> NextOccurrence(string expression)
    {
        if (TimeSpan.TryParse(expression, CultureInfo.InvariantCulture, out var interval) && interval > TimeSpan.Zero)
        {
            return after => after + interval;
        }
        var schedule = CrontabSchedule.Parse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 });
        return after => schedule.GetNextOccurrence(after);
    }

    private async Task RunAsync(DateTime? last, DateTime due, CancellationToken ct)
    {
        var timer = new TimerInfo
        {
            IsPastDue = time.GetUtcNow().UtcDateTime - due > TimeSpan.FromSeconds(10),
            ScheduleStatus = new ScheduleStatus { Last = last ?? default, Next = due, LastUpdated = time.GetUtcNow().UtcDateTime },
        };
        try
        {
            await invoker.InvokeAsync(function, (parameter, _) => Bind(parameter, timer, ct));
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            LogFailed(function.Name, ex);
        }
    }

    private static object? Bind(ParameterInfo parameter, TimerInfo timer, CancellationToken ct) =>
        parameter.ParameterType == typeof(TimerInfo) ? timer
        : parameter.ParameterType == typeof(CancellationToken) ? ct
        : throw new InvalidOperationException($"The LocalHost cannot bind timer parameter '{parameter.Name}'.");

    [LoggerMessage(Level = LogLevel.Error, Message = "Timer function {Function} failed")]
    private partial void LogFailed(string function, Exception exception);
}
