using System.Reflection;
using D3Chat.Core.Hosting;
using D3Chat.Functions.Api;
using D3Chat.Functions.Fanout;
using D3Chat.Functions.Federation;
using D3Chat.LocalHost;
using D3Chat.LocalHost.Functions;
using D3Chat.LocalHost.SignalREmulator;
using Microsoft.Extensions.Configuration.Memory;

// The offline host of the three function apps (architecture decision 2): one port serving every
// HTTP function at its Azure path, the queue and timer triggers, the static web client and,
// when SignalR__ConnectionString points at loopback, the SignalR Service emulator.
// The content root is the LocalHost's own folder, not the working directory (the scripts run from the
// repository root): its appsettings.json is found there (log levels: without it every request wrote
// five Information lines to the console), and the configuration's change watcher covers that folder
// only instead of the whole repository, where PostgreSQL and Azurite write their data.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
var repoRoot = LocalSettings.FindRepoRoot(builder.Configuration["LocalHost:RepoRoot"]);
// Lowest precedence: environment variables and command-line arguments override local settings.
builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = LocalSettings.Load(repoRoot) });
builder.Configuration.UseOwnPortForLoopbackSignalR();
if (SampleSecrets.Problem(builder.Configuration, repoRoot) is { } refusal)
{
    Console.Error.WriteLine(refusal);
    return 1;
}
var emulateSignalR = SignalREmulatorExtensions.IsEmulated(builder.Configuration);

var apps = new Dictionary<string, Assembly>
{
    ["api"] = typeof(ApiApp).Assembly,
    ["federation"] = typeof(FederationApp).Assembly,
    ["fanout"] = typeof(FanoutApp).Assembly,
};
var functions = FunctionCatalog.Discover(apps);

builder.Services.AddD3ChatApi(builder.Configuration);
builder.Services.AddD3ChatFederation(builder.Configuration);
builder.Services.AddD3ChatFanout(builder.Configuration);
builder.Services.AddMvcCore();
builder.Services.AddSingleton<FunctionInvoker>();
builder.Services.AddFunctionTriggers(functions, repoRoot);
if (emulateSignalR)
{
    builder.Services.AddSignalREmulator();
}

var app = builder.Build();
if (emulateSignalR)
{
    app.MapSignalREmulator();
}
app.UseLocalStaticWeb(repoRoot);
app.MapFunctionEndpoints(functions);
app.MapGet("/_localhost/functions", () => functions.Select(f => new
{
    app = f.App, name = f.Name, trigger = f.Trigger.ToString().ToLowerInvariant(),
    route = f.Route, methods = f.HttpMethods, queue = f.QueueName, schedule = f.Schedule,
}));
app.MapUnmatchedRoutes();
app.Run();
return 0;
