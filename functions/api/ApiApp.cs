using D3Chat.Core.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace D3Chat.Functions.Api;

/// <summary>Service registrations of the api app, shared by its Program.cs and the LocalHost.</summary>
public static class ApiApp
{
    public static IServiceCollection AddD3ChatApi(this IServiceCollection services, IConfiguration configuration) =>
        services.AddD3ChatCore(configuration).AddBootstrapAdmin();
}
