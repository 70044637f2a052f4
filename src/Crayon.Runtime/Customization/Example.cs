namespace Crayon.Customization;

/// <summary>
/// One of a user's examples, as text: a line they would send (an NPC's line of dialogue, a question), optionally with the
/// response they want for it. The prompt is what is embedded (the examples stand for the queries the user will ask);
/// the response is what a guard scores the blend on. A plain string converts to an example without a response.
/// </summary>
public sealed record Example
{
    public Example(string prompt, string? response = null)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (string.IsNullOrWhiteSpace(prompt)) throw new ArgumentException("an example's prompt is empty; give the text the user would send", nameof(prompt));
        Prompt = prompt;
        Response = response;
    }

    public string Prompt { get; }

    /// <summary>The wanted response to <see cref="Prompt"/>; null when the example is a line of text alone.</summary>
    public string? Response { get; }

    public static implicit operator Example(string prompt) => new(prompt);

    /// <summary>Examples from plain lines of text.</summary>
    public static IReadOnlyList<Example> FromLines(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        return lines.Select((line, i) => string.IsNullOrWhiteSpace(line)
            ? throw new ArgumentException($"line {i + 1} is empty; every example needs text", nameof(lines))
            : new Example(line)).ToArray();
    }
}
