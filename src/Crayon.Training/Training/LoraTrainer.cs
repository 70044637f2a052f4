using System.Globalization;
using Crayon.Adapters;
using Crayon.Llama;

namespace Crayon.Training;

/// <summary>
/// Trains a LoRA adapter directly: a rank-r adapter (A random, B zero, as PEFT initialises one) is
/// applied to the model and llama.cpp's training updates its factors while every model weight stays
/// fixed. llama.h has no LoRA training; ggml-opt trains whatever tensors carry the parameter flag,
/// so the adapter's factors are flagged (found through the graph) and the model's are not.
/// </summary>
public static class LoraTrainer
{
    public static AdapterTrainingResult Train(string modelPath, IReadOnlyList<string> texts, int rank, TrainingOptions? options = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rank);
        options ??= TrainingOptions.AdapterDefaultsFor(rank);
        if (options.Targets.IsAll) throw new ArgumentException("a LoRA adapter is trained on named modules (e.g. attn_q,ffn_up), not on all tensors");
        using var run = new TrainingRun(modelPath, texts, options);
        var initial = InitialAdapter(run, rank);
        using var adapter = LlamaAdapter.Load(run.Model, LoraAdapterGguf.ToBytes(initial), "trainable adapter");
        using var session = new LlamaTrainingSession(run.Model.Handle, run.Model.VocabularySize, options.WindowLength, options.Threads,
            _ => false, adapter.NativePointer, run.StepParameters, run.OptimizerType);
        var factors = session.Trainable.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var missing = initial.Pairs.SelectMany(p => new[] { p.TensorNameA, p.TensorNameB }).Where(n => !factors.Contains(n)).ToArray();
        if (missing.Length > 0) throw new InvalidOperationException($"llama.cpp did not use the adapter factors {string.Join(", ", missing.Take(5))}");

        var statistics = run.Train(session, progress, cancellation);
        var pairs = initial.Pairs.Select(p => new LoraPair(p.Target,
            new LoraMatrix(p.A.Rows, p.A.Cols, session.Read(p.TensorNameA)),
            new LoraMatrix(p.B.Rows, p.B.Cols, session.Read(p.TensorNameB)))).ToList();
        var metadata = TrainingProvenance.Describe(modelPath, options, statistics);
        metadata["crayon.lora.method"] = "LoRA factors trained by llama.cpp (ggml-opt), model weights fixed";
        metadata["crayon.lora.rank"] = rank.ToString(CultureInfo.InvariantCulture);
        return new AdapterTrainingResult(new LoraAdapter(initial.Architecture, rank, pairs, metadata), statistics);
    }

    /// <summary>A = U(-1/√in, 1/√in) from the seed, B = 0: the adapter starts as the identity and A gets gradients once B moves.</summary>
    private static LoraAdapter InitialAdapter(TrainingRun run, int rank)
    {
        var random = new SeededRandom(SeededRandom.Derive(run.Options.Seed, "lora init"));
        var pairs = new List<LoraPair>();
        foreach (var name in run.Targets)
        {
            var tensor = run.BaseModel[name];
            if (tensor.Dimensions.Count != 2) continue;
            int columns = (int)tensor.Dimensions[0], rows = (int)tensor.Dimensions[1];
            var bound = 1.0 / Math.Sqrt(columns);
            var a = new float[rank * columns];
            for (var i = 0; i < a.Length; i++) a[i] = (float)((random.NextDouble() * 2 - 1) * bound);
            pairs.Add(new LoraPair(name[..^".weight".Length], new LoraMatrix(rank, columns, a), new LoraMatrix(rows, rank)));
        }
        if (pairs.Count == 0) throw new ArgumentException($"the selection '{run.Options.Targets}' names no matrix to adapt");
        return new LoraAdapter(run.BaseModel.Metadata.GetString(Formats.Gguf.GgufKeys.Architecture), rank, pairs);
    }
}
