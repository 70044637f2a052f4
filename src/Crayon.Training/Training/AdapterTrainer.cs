using Crayon.Adapters;

namespace Crayon.Training;

/// <summary>
/// Makes a rank-r LoRA adapter from texts, by one of two routes over llama.cpp's training:
/// <see cref="AdapterRoute.TrainedFactors"/> (the default) trains the adapter's factors directly
/// (<see cref="LoraTrainer"/>); <see cref="AdapterRoute.ExtractedFromFineTune"/> fine-tunes the target
/// weights and keeps the rank-r truncated SVD of their change (<see cref="FineTuner"/> +
/// <see cref="LoraExtractor"/>). On stories260K (SIQA, OBQA) the trained factors kept 47-91 % of the
/// fine-tune's answer-NLL gain at ranks 2-4 where the extracted ones kept -11-64 %, and 81-91 % at rank 8
/// (benchmarks/results/training-route.md).
/// </summary>
public static class AdapterTrainer
{
    /// <param name="options">Default: <see cref="TrainingOptions.AdapterDefaultsFor"/> the rank for trained factors; <see cref="TrainingOptions.FineTuneDefaults"/> on the projections for extraction.</param>
    public static AdapterTrainingResult Train(string modelPath, IReadOnlyList<string> texts, int rank, TrainingOptions? options = null,
        AdapterRoute route = AdapterRoute.TrainedFactors, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rank);
        if (options?.Targets.IsAll == true)
            throw new ArgumentException("an adapter is trained on named modules (e.g. attn_q,ffn_up); all tensors would include some a LoRA adapter cannot carry");
        switch (route)
        {
            case AdapterRoute.TrainedFactors:
                return LoraTrainer.Train(modelPath, texts, rank, options ?? TrainingOptions.AdapterDefaultsFor(rank), progress, cancellation);
            case AdapterRoute.ExtractedFromFineTune:
                var fineTune = FineTuner.Run(modelPath, texts, options ?? TrainingOptions.FineTuneDefaults with { Targets = TensorSelection.Projections }, progress, cancellation);
                return new AdapterTrainingResult(LoraExtractor.Extract(fineTune, rank), fineTune.Statistics, fineTune);
            default:
                throw new ArgumentOutOfRangeException(nameof(route), route, "unknown adapter route");
        }
    }
}

/// <summary>How <see cref="AdapterTrainer"/> makes an adapter.</summary>
public enum AdapterRoute
{
    /// <summary>Train the LoRA factors themselves, model weights fixed.</summary>
    TrainedFactors,

    /// <summary>Fine-tune the target weights, then take the truncated SVD of their change.</summary>
    ExtractedFromFineTune,
}

/// <summary>The adapter, how its training went, and (extraction route only) the fine-tune it came from.</summary>
public sealed record AdapterTrainingResult(LoraAdapter Adapter, TrainingStatistics Statistics, FineTuneResult? FineTune = null);
