using D3Chat.Core.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace D3Chat.Functions.Federation;

/// <summary>Service registrations of the federation app, shared by its Program.cs and the LocalHost.</summary>
public static class FederationApp
{
    public static IServiceCollection AddD3ChatFederation(this IServiceCollection services, IConfiguration configuration) =>
        services.AddD3ChatCore(configuration);
}
