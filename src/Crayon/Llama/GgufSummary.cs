namespace Crayon.Llama;

/// <summary>
/// What adapter validation needs from a GGUF header: a few metadata strings and every tensor's
/// dimensions (innermost first, as GGUF stores them) and ggml type.
/// </summary>
internal sealed record GgufSummary(
    IReadOnlyDictionary<string, string> Strings,
    IReadOnlyDictionary<string, GgufTensorShape> Tensors)
{
    public string? this[string key] => Strings.TryGetValue(key, out var value) ? value : null;
}

internal readonly record struct GgufTensorShape(long[] Dimensions, int GgmlType)
{
    public override string ToString() => $"[{string.Join(", ", Dimensions)}]";
}
