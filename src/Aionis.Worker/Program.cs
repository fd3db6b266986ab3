using Aionis.Worker.Cli;

return await AionisCommand.InvokeAsync(args);
