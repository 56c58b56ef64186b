using D3Chat.Functions.Federation;
using D3Chat.Functions.Shared;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.AddD3ChatTelemetry();
builder.UseMiddleware<UnhandledErrorMiddleware>();
builder.Services.AddD3ChatFederation(builder.Configuration);
builder.Build().Run();
