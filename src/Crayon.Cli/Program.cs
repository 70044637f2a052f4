using System.CommandLine;
using Crayon.Cli;
using Crayon.Cli.Commands;

var root = new RootCommand("Crayon: instant LoRA blending and hybrid inference for on-device LLMs");
// Each command lives in Commands/<Name>Command.cs and is registered here.
root.Add(TrainCommand.Create());

return await CliHost.RunAsync(root, args);
