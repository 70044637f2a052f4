namespace Crayon.Llama;

/// <summary>Full-parameter fine-tuning with llama.cpp's trainer (llama_opt_*), on the tensors a filter picks.</summary>
public sealed record TrainingOptions
{
    /// <summary>Tokens per training window (the context the trainer unrolls): a multiple of 256, as llama.cpp pads contexts to that.</summary>
    public int Window { get; init; } = 256;

    /// <summary>Step between window starts; 0: half a window.</summary>
    public int Stride { get; init; }

    public double LearningRate { get; init; } = 1e-4;
    public double WeightDecay { get; init; }

    /// <summary>Plain SGD instead of AdamW.</summary>
    public bool Sgd { get; init; }

    /// <summary>Share of the windows kept for validation (their loss is reported, they are not trained on).</summary>
    public double ValidationSplit { get; init; }

    /// <summary>
    /// Which weights train, by GGUF tensor name (e.g. "blk.3.attn_q.weight"). Null: every F32 weight
    /// llama.cpp allows (it never trains token_embd). Only F32 tensors can train.
    /// </summary>
    public Func<string, bool>? Trainable { get; init; }

    public int Threads { get; init; }

    internal int ResolveStride() => Stride > 0 ? Stride : Math.Max(1, Window / 2);
}

/// <summary>Mean cross-entropy of one epoch on the training windows and, with a validation split, on the held-out ones.</summary>
public sealed record TrainingEpoch(int Epoch, double TrainLoss, double? ValidationLoss);
