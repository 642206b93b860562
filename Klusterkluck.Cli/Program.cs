using Klusterkluck.Cli;

return await KkCommand.RunAsync(args);
