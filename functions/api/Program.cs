using D3Chat.Functions.Api;
using D3Chat.Functions.Shared;

FunctionsAppHost.Run(args, (services, configuration) => services.AddD3ChatApi(configuration));
