using Crayon.Llama;

namespace Crayon.Server.Adapters;

/// <summary>
/// The adapters one request computes with, and the key the scheduler groups requests by: requests of
/// one key may follow each other on a context without re-applying adapters. Today a choice is a set of
/// --lora adapters with scales; a per-request customization (pool, alpha) will be another kind of
/// choice with its own key, so the request pipeline and the scheduler need no change for it.
/// </summary>
public sealed record AdapterChoice(string Key, AdapterSet Adapters)
{
    public static AdapterChoice None { get; } = new("none", AdapterSet.None);

    public override string ToString() => Key;
}
