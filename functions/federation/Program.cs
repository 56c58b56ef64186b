using D3Chat.Functions.Federation;
using D3Chat.Functions.Shared;

FunctionsAppHost.Run(args, (services, configuration) => services.AddD3ChatFederation(configuration));
