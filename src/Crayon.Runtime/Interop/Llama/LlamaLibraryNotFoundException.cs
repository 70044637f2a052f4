namespace Crayon.Interop.Llama;

/// <summary>No usable llama.cpp build: names every folder searched and how to point Crayon at one.</summary>
public sealed class LlamaLibraryNotFoundException(string message, Exception? inner = null) : Exception(message, inner);
