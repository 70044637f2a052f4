namespace Crayon.Llama;

public sealed partial class LlamaContext
{
    /// <summary>
    /// Runs <paramref name="rewrite"/> (new values for <paramref name="adapter"/>'s tensors) while no decode is in flight
    /// on this context, then drops the cached tokens, which were computed with the old values (also when the rewrite
    /// failed part way: some tensors may hold new values then). The adapter set stays the same, so llama.cpp keeps its
    /// graph: no re-planning at the next decode.
    /// </summary>
    internal void RewriteAppliedAdapter(LlamaAdapter adapter, Action rewrite)
    {
        using var _ = Enter();
        if (!Adapters.Entries.Any(e => ReferenceEquals(e.Adapter, adapter)))
            throw new InvalidOperationException($"this context no longer applies adapter '{adapter.Name}'; an in-place rewrite would not reach it");
        try
        {
            rewrite();
        }
        finally
        {
            ClearMemory();
        }
    }
}
