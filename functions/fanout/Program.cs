using D3Chat.Functions.Fanout;
using D3Chat.Functions.Shared;

FunctionsAppHost.Run(args, (services, configuration) => services.AddD3ChatFanout(configuration));
