using System.Text;
using Crayon.Llama;

namespace Crayon.Server.Completions;

/// <summary>One chat message: role system, developer, user or assistant.</summary>
public sealed record ChatMessage(string Role, string Content);

/// <summary>A conversation rendered as a prompt; <see cref="ParseSpecial"/>: its template markers are special tokens.</summary>
public sealed record RenderedChat(string Text, bool ParseSpecial);

/// <summary>
/// Renders a conversation as the prompt the model continues: through the model's own chat template
/// when its GGUF has one llama.cpp can render (instruct models need their exact format), else as a
/// plain transcript, one turn a line, which small base models (stories260K, the benchmark's models)
/// continue naturally:
/// <code>
///   {system}\n            (system and developer messages, as they are)
///   User: {content}\n
///   Assistant: {content}\n
///   Assistant:            (the model continues here)
/// </code>
/// </summary>
public static class ChatPrompt
{
    public const string UserPrefix = "User: ", AssistantPrefix = "Assistant:";

    public static RenderedChat Render(IReadOnlyList<ChatMessage> messages, LlamaChatTemplate? template)
    {
        if (template is null) return new RenderedChat(Transcript(messages), ParseSpecial: false);
        // Templates know system, user and assistant; OpenAI's "developer" is the newer name of "system".
        var turns = messages.Select(m => new ChatTurn(m.Role == "developer" ? "system" : m.Role, m.Content)).ToArray();
        return new RenderedChat(template.Render(turns, addAssistant: true), ParseSpecial: true);
    }

    public static string Transcript(IReadOnlyList<ChatMessage> messages)
    {
        var prompt = new StringBuilder();
        foreach (var m in messages)
            prompt.Append(m.Role switch
            {
                "system" or "developer" => m.Content,
                "user" => UserPrefix + m.Content,
                _ => AssistantPrefix + " " + m.Content,
            }).Append('\n');
        return prompt.Append(AssistantPrefix).ToString();
    }
}
