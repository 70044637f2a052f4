using Crayon.Llama;

namespace Crayon.Server.Adapters;

/// <summary>
/// The adapters one request computes with, and the key the scheduler groups requests by: requests of
/// one key may follow each other on a context without re-applying adapters. Today a choice is a set of
/// --lora adapters with scales, or a per-request Crayon customization (pool, alpha), which the scheduler
/// lands in the context's live adapter slot instead of applying <see cref="Adapters"/>.
/// </summary>
public sealed record AdapterChoice(string Key, AdapterSet Adapters)
{
    /// <summary>Set for a Crayon customization: applied through the pool's customizer, never as a plain set.</summary>
    public Crayon.Server.Customizations.ChosenCustomization? Customization { get; init; }

    /// <summary>Makes this choice the context's adapters for one turn.</summary>
    public void ApplyTo(LlamaContext context)
    {
        if (Customization is { } c) c.Owner.Apply(this, c, context);
        else context.ApplyAdapters(Adapters);
    }

    public static AdapterChoice None { get; } = new("none", AdapterSet.None);

    public override string ToString() => Key;
}
