namespace Crayon.Interop.Llama;

/// <summary>The llama.cpp release whose llama.h our struct layouts mirror (scripts/llama-version.env).</summary>
public static class LlamaBuild
{
    public const string Release = "v0.5.0";

    /// <summary>The llama.cpp commit of that release (node-llama-cpp 3.22.1's llama/gitRelease.bundle): what a self-built library should be built from.</summary>
    public const string SourceCommit = "de3ff815ea7d559ee917f063901b8986f038abc6";
}
