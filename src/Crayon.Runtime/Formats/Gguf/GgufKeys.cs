namespace Crayon.Formats.Gguf;

/// <summary>Well-known metadata keys (gguf-py constants.py / llama-arch.cpp spell them the same).</summary>
public static class GgufKeys
{
    public const string Alignment = "general.alignment";
    public const string Architecture = "general.architecture";
    public const string Name = "general.name";
    public const string Type = "general.type";
    public const string FileType = "general.file_type";

    public const string AdapterType = "adapter.type";
    public const string AdapterLoraAlpha = "adapter.lora.alpha";

    public const string TokenizerModel = "tokenizer.ggml.model";
    public const string TokenizerPre = "tokenizer.ggml.pre";
    public const string Tokens = "tokenizer.ggml.tokens";
    public const string Scores = "tokenizer.ggml.scores";
    public const string TokenType = "tokenizer.ggml.token_type";
    public const string BosTokenId = "tokenizer.ggml.bos_token_id";
    public const string EosTokenId = "tokenizer.ggml.eos_token_id";
    public const string UnknownTokenId = "tokenizer.ggml.unknown_token_id";
    public const string PaddingTokenId = "tokenizer.ggml.padding_token_id";
    public const string AddBosToken = "tokenizer.ggml.add_bos_token";
    public const string AddEosToken = "tokenizer.ggml.add_eos_token";
    public const string AddSpacePrefix = "tokenizer.ggml.add_space_prefix";

    /// <summary>Architecture-scoped keys, e.g. Arch("llama", "block_count") = "llama.block_count".</summary>
    public static string Arch(string architecture, string suffix) => $"{architecture}.{suffix}";

    public const int DefaultAlignment = 32;
}
