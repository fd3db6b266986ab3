using Aionis.Worker.Cli;

OneShotRuntime.Configure(args);
return await AionisCommand.InvokeAsync(args);
