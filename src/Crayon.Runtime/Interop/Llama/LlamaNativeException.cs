namespace Crayon.Interop.Llama;

/// <summary>llama.cpp reported a failure (its log, routed to ILogger, usually says more).</summary>
public sealed class LlamaNativeException(string message) : Exception(message);
