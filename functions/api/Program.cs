using D3Chat.Functions.Api;
using D3Chat.Functions.Shared;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.AddD3ChatTelemetry();
builder.UseMiddleware<UnhandledErrorMiddleware>();
builder.Services.AddD3ChatApi(builder.Configuration);
builder.Build().Run();
