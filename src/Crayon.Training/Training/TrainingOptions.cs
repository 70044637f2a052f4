using System.Globalization;

namespace Crayon.Training;

/// <summary>
/// How llama.cpp trains (<see cref="FineTuner"/>, <see cref="AdapterTrainer"/>): one optimizer step per
/// window of <see cref="WindowLength"/> tokens, on the CPU. The presets hold the defaults measured on
/// stories260K (benchmarks/results/training-route.md).
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>For LoRA factors of rank 8 or more trained directly: learning rate 3e-3, 4 epochs, the trainable block projections.</summary>
    public static TrainingOptions AdapterDefaults { get; } = new() { LearningRate = 3e-3f, Epochs = 4 };

    /// <summary>
    /// The measured best settings for LoRA factors of <paramref name="rank"/>: <see cref="AdapterDefaults"/>
    /// from rank 8 on (89-91 % of a fine-tune's gain at rank 8); below, learning rate 1e-2 for 2 epochs,
    /// which kept more of the gain at ranks 2 and 4 than 3e-3 did.
    /// </summary>
    public static TrainingOptions AdapterDefaultsFor(int rank) =>
        rank >= 8 ? AdapterDefaults : AdapterDefaults with { LearningRate = 1e-2f, Epochs = 2 };

    /// <summary>For a full fine-tune (every trainable tensor): learning rate 1e-3, 2 epochs.</summary>
    public static TrainingOptions FineTuneDefaults { get; } = new() { LearningRate = 1e-3f, Targets = TensorSelection.All };

    /// <summary>The weights that change. Default: the block projections llama.cpp can train (the LoRA targets).</summary>
    public TensorSelection Targets { get; init; } = TensorSelection.Projections;

    /// <summary>Passes over the training texts.</summary>
    public int Epochs { get; init; } = 2;

    /// <summary>The update rule llama.cpp applies.</summary>
    public TrainingOptimizer Optimizer { get; init; } = TrainingOptimizer.AdamW;

    /// <summary>Peak learning rate.</summary>
    public float LearningRate { get; init; } = 1e-3f;

    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Cosine;

    /// <summary>The learning rate at the end of a decaying schedule, as a fraction of the peak (must keep it above 0).</summary>
    public float FinalLearningRateFraction { get; init; } = 0.1f;

    /// <summary>Steps of linear warm-up from a tenth of the peak (0: none).</summary>
    public int WarmupSteps { get; init; }

    /// <summary>AdamW decoupled weight decay per step, times the learning rate.</summary>
    public float WeightDecay { get; init; }

    /// <summary>Tokens per training window (the context llama.cpp trains with); at most the model's training context.</summary>
    public int WindowLength { get; init; } = 256;

    /// <summary>How texts are laid into windows.</summary>
    public WindowPacking Packing { get; init; } = WindowPacking.Packed;

    /// <summary>Fixes the order of texts and windows in every epoch.</summary>
    public long Seed { get; init; }

    /// <summary>
    /// CPU threads. The bits of the result depend on the thread count, so it is fixed rather than "all cores";
    /// one thread is also the fastest for small models, whose steps are dominated by thread synchronisation.
    /// </summary>
    public int Threads { get; init; } = 1;

    /// <summary>Every setting that changes the trained weights, as canonical text: what the cache keys of pools, oracle adapters and server models cover.</summary>
    internal string Canonical() => string.Create(CultureInfo.InvariantCulture,
        $"targets={Targets};epochs={Epochs};optimizer={Optimizer};lr={LearningRate:R};schedule={Schedule};final={FinalLearningRateFraction:R};" +
        $"warmup={WarmupSteps};decay={WeightDecay:R};window={WindowLength};packing={Packing};threads={Threads};seed={Seed}");

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Targets);
        if (Epochs < 1) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "train for at least one epoch");
        if (!(LearningRate > 0) || !float.IsFinite(LearningRate)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "the learning rate must be positive and finite");
        if (!(FinalLearningRateFraction > 0 && FinalLearningRateFraction <= 1))
            throw new ArgumentOutOfRangeException(nameof(FinalLearningRateFraction), FinalLearningRateFraction, "must lie in (0, 1]: llama.cpp rejects a learning rate of 0");
        if (WarmupSteps < 0) throw new ArgumentOutOfRangeException(nameof(WarmupSteps), WarmupSteps, "must not be negative");
        if (!(WeightDecay >= 0 && WeightDecay <= 1)) throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay, "must lie in [0, 1]");
        if (WindowLength < 8) throw new ArgumentOutOfRangeException(nameof(WindowLength), WindowLength, "a training window needs at least 8 tokens");
        if (Threads < 1) throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "use at least one thread");
        if (!Enum.IsDefined(Schedule)) throw new ArgumentOutOfRangeException(nameof(Schedule), Schedule, "unknown schedule");
        if (!Enum.IsDefined(Optimizer)) throw new ArgumentOutOfRangeException(nameof(Optimizer), Optimizer, "unknown optimizer");
        if (!Enum.IsDefined(Packing)) throw new ArgumentOutOfRangeException(nameof(Packing), Packing, "unknown packing");
    }

    /// <summary>The learning rate of optimizer step <paramref name="step"/> (0-based) out of <paramref name="totalSteps"/>.</summary>
    public float LearningRateAt(long step, long totalSteps)
    {
        if (step < WarmupSteps) return LearningRate * (0.1f + 0.9f * step / WarmupSteps);
        var decaySteps = Math.Max(1, totalSteps - WarmupSteps - 1);
        var progress = Math.Clamp((double)(step - WarmupSteps) / decaySteps, 0, 1);
        var final = LearningRate * FinalLearningRateFraction;
        return Schedule switch
        {
            LearningRateSchedule.Constant => LearningRate,
            LearningRateSchedule.Linear => (float)(LearningRate + (final - LearningRate) * progress),
            _ => (float)(final + 0.5 * (LearningRate - final) * (1 + Math.Cos(Math.PI * progress))),
        };
    }
}

/// <summary>The optimizers ggml-opt implements.</summary>
public enum TrainingOptimizer
{
    /// <summary>AdamW (β1 0.9, β2 0.999, ε 1e-8, decoupled weight decay).</summary>
    AdamW,

    /// <summary>Plain stochastic gradient descent (no momentum), with decoupled weight decay.</summary>
    Sgd,
}

public enum LearningRateSchedule
{
    /// <summary>The peak rate throughout.</summary>
    Constant,

    /// <summary>Straight down from the peak to the final fraction.</summary>
    Linear,

    /// <summary>Half a cosine from the peak to the final fraction.</summary>
    Cosine,
}

/// <summary>
/// How training texts fill the token windows. llama.cpp's loss covers every position of a window (it
/// has no label mask), so positions that hold no text are filled with EOS labelled EOS: a pattern the
/// model learns within a few steps, after which those positions carry almost no gradient.
/// </summary>
public enum WindowPacking
{
    /// <summary>Whole texts (BOS text EOS) placed first-fit into windows; a text never straddles two windows.</summary>
    Packed,

    /// <summary>One text per window, the rest padding: texts never see each other, at the cost of compute.</summary>
    OnePerWindow,
}
