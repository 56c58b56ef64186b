using Azure.Monitor.OpenTelemetry.Exporter;
using D3Chat.Core.Identity;
using D3Chat.Core.Telemetry;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace D3Chat.Functions.Shared;

/// <summary>
/// OpenTelemetry of one function app's worker (compiled into each of the three apps): the Functions
/// worker's own spans and logs, D3Chat's spans and metrics (D3ChatTelemetry: one trace from the API
/// through the queue to fanout and relay, messages per second, relay backlog, dead letters) and
/// Npgsql's, exported to Application Insights with the app's managed identity (local auth is off).
/// Only in Azure: without APPLICATIONINSIGHTS_CONNECTION_STRING nothing is registered.
/// </summary>
internal static class FunctionsTelemetry
{
    public static FunctionsApplicationBuilder AddD3ChatTelemetry(this FunctionsApplicationBuilder builder)
    {
        var connectionString = builder.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return builder;
        }
        var clientId = ClientIdOf(builder.Configuration["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
        builder.Services.AddOpenTelemetry()
            .UseFunctionsWorkerDefaults()
            .WithTracing(tracing => tracing.AddSource(D3ChatTelemetry.Name).AddNpgsql())
            .WithMetrics(metrics => metrics.AddMeter(D3ChatTelemetry.Name))
            .UseAzureMonitorExporter(options =>
            {
                options.ConnectionString = connectionString;
                options.Credential = AzureCredentials.For(clientId);
            });
        return builder;
    }

    /// <summary>The ClientId of <c>ClientId=…;Authorization=AAD</c>, as the platform's own telemetry reads it.</summary>
    internal static string? ClientIdOf(string? authenticationString) =>
        authenticationString?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2))
            .Where(pair => pair.Length == 2 && pair[0].Equals("ClientId", StringComparison.OrdinalIgnoreCase))
            .Select(pair => pair[1])
            .FirstOrDefault();
}
