using Crayon.Server.Protocol;

namespace Crayon.Server.Completions;

/// <summary>Log-probabilities in the two OpenAI layouts: the completions' parallel lists and chat's per-token objects.</summary>
public static class LogProbsFormat
{
    public static CompletionLogProbsBody Completion(IReadOnlyList<LoggedToken> tokens) => new(
        tokens.Select(t => t.Display).ToArray(),
        tokens.Select(t => t.LogProbability).ToArray(),
        tokens.Select(t => t.LogProbability is null ? null : TopMap(t)).ToArray(),
        tokens.Select(t => t.Offset).ToArray());

    public static ChatLogProbsBody Chat(IReadOnlyList<LoggedToken> tokens) => new(tokens.Select(t => new ChatTokenLogProbBody(
        t.Display, t.LogProbability ?? 0, Ints(t.Bytes),
        t.Top.Select(a => new ChatTopLogProbBody(a.Display, a.LogProbability, Ints(a.Bytes))).ToArray())).ToArray());

    // Two alternatives can show the same text (e.g. byte tokens); the likelier one, listed first, keeps the key.
    private static Dictionary<string, double> TopMap(LoggedToken token)
    {
        var map = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var a in token.Top) map.TryAdd(a.Display, a.LogProbability);
        return map;
    }

    private static int[] Ints(byte[] bytes) => bytes.Select(b => (int)b).ToArray();
}
