using System.Text;
using Crayon.Llama;

namespace Crayon.Server.Completions;

/// <summary>
/// How a token is shown in log-probability lists: its text, or, when its bytes are not whole UTF-8
/// characters (byte-fallback tokens), "bytes:\xNN..." as OpenAI writes them. The raw bytes go along.
/// </summary>
public static class TokenPieces
{
    private static readonly UTF8Encoding Strict = new(false, throwOnInvalidBytes: true);

    public static byte[] Bytes(LlamaTokenizer tokenizer, int token)
    {
        Span<byte> buffer = stackalloc byte[64];
        var length = tokenizer.TokenToBytes(token, buffer);
        if (length >= 0) return buffer[..length].ToArray();
        var large = new byte[-length];
        length = tokenizer.TokenToBytes(token, large);
        return large.AsSpan(0, Math.Max(0, length)).ToArray();
    }

    public static string Display(byte[] bytes)
    {
        try { return Strict.GetString(bytes); }
        catch (DecoderFallbackException) { return "bytes:" + string.Concat(bytes.Select(b => $"\\x{b:x2}")); }
    }

    public static string Display(LlamaTokenizer tokenizer, int token) => Display(Bytes(tokenizer, token));
}
