namespace Crayon.Adapters;

/// <summary>
/// The low-rank update of one target weight: ΔW = (alpha / rank) · B·A.
/// <see cref="Target"/> is the base tensor's name without ".weight", e.g. "blk.3.attn_q";
/// in GGUF the factors are stored as "{Target}.weight.lora_a" and "{Target}.weight.lora_b".
/// </summary>
public sealed class LoraPair
{
    public LoraPair(string target, LoraMatrix a, LoraMatrix b)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(target);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Rows != b.Cols)
            throw new ArgumentException($"LoRA pair '{target}': A is {a} and B is {b}; A's rows must equal B's columns (the rank)");
        Target = target;
        A = a;
        B = b;
    }

    public string Target { get; }
    public LoraMatrix A { get; }
    public LoraMatrix B { get; }

    public int Rank => A.Rows;
    public int InFeatures => A.Cols;
    public int OutFeatures => B.Rows;

    public string TensorNameA => Target + ".weight.lora_a";
    public string TensorNameB => Target + ".weight.lora_b";
}
