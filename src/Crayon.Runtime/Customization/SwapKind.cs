namespace Crayon.Customization;

/// <summary>How a customization reached llama.cpp.</summary>
public enum SwapKind
{
    /// <summary>Blended straight into the tensors of the context's live adapter: no load, no graph re-plan.</summary>
    InPlace,

    /// <summary>The first blend of its shape on this context: loaded once into llama.cpp, which becomes the live adapter.</summary>
    Loaded,

    /// <summary>No blend: the pool's adapters applied together with scales alpha (runtime mix).</summary>
    RuntimeMix,
}
