namespace NpcPersonas;

/// <summary>One NPC: the lines of dialogue it is customized from, and how its turns start (the prompt it speaks after).</summary>
internal sealed record Persona(string Name, IReadOnlyList<string> Dialogue, string Prompt);
