using System.CommandLine;

namespace Crayon.Cli.Commands;

/// <summary>`crayon pool ...`: build a Crayon adapter pool, or describe one.</summary>
public static class PoolCommand
{
    public static Command Create()
    {
        var command = new Command("pool", "Build or inspect a Crayon adapter pool (base LoRAs + centroids)");
        command.Subcommands.Add(PoolBuildCommand.Create());
        command.Subcommands.Add(PoolInfoCommand.Create());
        return command;
    }
}
