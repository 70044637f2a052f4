namespace Crayon.Cli;

/// <summary>What `crayon` exits with, so that a script can tell a mistyped call from a failed run.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The command ran and failed: a missing file, bad data, a library that would not load.</summary>
    public const int Failure = 1;

    /// <summary>The command line itself is wrong (unknown option, missing or out-of-range value): nothing was run.</summary>
    public const int Usage = 2;

    /// <summary>Interrupted by Ctrl+C (SIGINT), as shells report 128 + 2.</summary>
    public const int Interrupted = 130;
}
