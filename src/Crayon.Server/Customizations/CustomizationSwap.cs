namespace Crayon.Server.Customizations;

/// <summary>How a customization reaches a context.</summary>
public enum CustomizationSwap
{
    /// <summary>Blended on the blend device and written in place into the context's live adapter slot (Crayon's way).</summary>
    InPlace,

    /// <summary>
    /// Blended, then loaded into llama.cpp as a fresh adapter for every turn and applied (a graph re-plan): what a server without
    /// in-place swap does. The baseline `crayon bench serve` measures against; never the better choice in service.
    /// </summary>
    Reload,
}
