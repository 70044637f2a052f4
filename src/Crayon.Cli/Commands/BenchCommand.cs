using System.CommandLine;

namespace Crayon.Cli.Commands;

/// <summary>`crayon bench ...`: performance measurements, one subcommand each.</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Measure performance");
        command.Subcommands.Add(BenchBlendCommand.Create());
        command.Subcommands.Add(BenchSwapCommand.Create());
        command.Subcommands.Add(BenchCustomizeCommand.Create());
        command.Subcommands.Add(BenchHybridCommand.Create());
        command.Subcommands.Add(BenchServeCommand.Create());
        command.Subcommands.Add(BenchTuneCommand.Create());
        command.Subcommands.Add(BenchDecodeCommand.Create());
        return command;
    }
}
