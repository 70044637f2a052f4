using System.CommandLine;

namespace Crayon.Cli.Commands;

/// <summary>`crayon train ...`: adapters and fine-tuned models from QA data, with llama.cpp's training.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var command = new Command("train", "Train LoRA adapters or fine-tune a model on QA data (llama.cpp training, CPU, F32 models)");
        command.Subcommands.Add(TrainLoraCommand.Create());
        command.Subcommands.Add(TrainFullCommand.Create());
        command.Subcommands.Add(TrainExtractCommand.Create());
        command.Subcommands.Add(TrainEvalCommand.Create());
        return command;
    }
}
