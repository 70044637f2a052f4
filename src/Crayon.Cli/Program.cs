using System.CommandLine;
using Crayon.Cli;
using Crayon.Cli.Commands;

var root = new RootCommand("Crayon: instant LoRA blending and hybrid inference for on-device LLMs");
// Each command lives in Commands/<Name>Command.cs and is registered here.
root.Add(Crayon.Cli.Commands.ImportCommand.Create());
root.Add(Crayon.Cli.Commands.GgufCommand.Create());
root.Add(Crayon.Cli.Commands.ModelCommand.Create());
root.Add(DevicesCommand.Create());
root.Add(BenchCommand.Create());
root.Add(BlendCommand.Create());
root.Add(GenerateCommand.Create());
root.Add(ScoreCommand.Create());
root.Add(EmbedCommand.Create());
root.Add(TrainCommand.Create());
root.Add(PoolCommand.Create());
root.Add(CustomizeCommand.Create());
root.Add(DemoCommand.Create());
root.Add(ServeCommand.Create());
root.Add(AskCommand.Create());

return await CliHost.RunAsync(root, args);
