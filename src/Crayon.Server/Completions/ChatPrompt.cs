using System.Text;

namespace Crayon.Server.Completions;

/// <summary>One chat message: role system, user or assistant.</summary>
public sealed record ChatMessage(string Role, string Content);

/// <summary>
/// Renders a conversation as the prompt the model continues. Small base models (stories260K, the
/// benchmark's models) have no chat template, so the layout is a plain transcript, one turn a line:
/// <code>
///   {system}\n            (system messages, as they are)
///   User: {content}\n
///   Assistant: {content}\n
///   Assistant:            (the model continues here)
/// </code>
/// </summary>
public static class ChatPrompt
{
    public const string UserPrefix = "User: ", AssistantPrefix = "Assistant:";

    public static string Render(IReadOnlyList<ChatMessage> messages)
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
