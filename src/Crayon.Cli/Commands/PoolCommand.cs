using System.CommandLine;

namespace Crayon.Cli.Commands;

/// <summary>`crayon pool ...`: build a Crayon adapter pool, or describe one.</summary>
public static class PoolCommand
{
    public static Command Create()
    {
        var command = new Command("pool", "Build, assemble, inspect or take apart a Crayon adapter pool (base LoRAs + centroids)");
        command.Subcommands.Add(PoolBuildCommand.Create());
        command.Subcommands.Add(PoolInfoCommand.Create());
        command.Subcommands.Add(PoolAssembleCommand.Create());
        command.Subcommands.Add(PoolExtractCommand.Create());
        return command;
    }
}
