namespace Crayon.Cli;

/// <summary>
/// An option's value, or a combination of options, that a command refuses before doing any work: the command line is
/// wrong, so `crayon` exits with <see cref="ExitCodes.Usage"/> and points at the command's help.
/// </summary>
public sealed class UsageException(string message) : ArgumentException(message);
