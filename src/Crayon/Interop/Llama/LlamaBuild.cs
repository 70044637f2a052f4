namespace Crayon.Interop.Llama;

/// <summary>The llama.cpp release whose llama.h our struct layouts mirror (scripts/llama-version.env).</summary>
public static class LlamaBuild
{
    public const string Release = "v0.5.0";
}
