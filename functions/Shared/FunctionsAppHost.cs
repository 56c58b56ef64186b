using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace D3Chat.Functions.Shared;

/// <summary>
/// The start-up every function app shares: ASP.NET Core integration, telemetry and the JSON 500
/// middleware, so the three apps differ only in the services they add.
/// </summary>
internal static class FunctionsAppHost
{
    public static void Run(string[] args, Action<IServiceCollection, IConfiguration> addServices)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        builder.ConfigureFunctionsWebApplication();
        builder.AddD3ChatTelemetry();
        builder.UseMiddleware<UnhandledErrorMiddleware>();
        addServices(builder.Services, builder.Configuration);
        builder.Build().Run();
    }
}
