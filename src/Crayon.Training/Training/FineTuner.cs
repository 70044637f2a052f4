using Crayon.Llama;

namespace Crayon.Training;

/// <summary>
/// Fine-tunes an F32 GGUF model on texts with llama.cpp's own training (llama_opt_init / llama_opt_epoch,
/// next-token cross-entropy on every window position) and returns the trained tensors. The model file
/// is never changed: a private copy is loaded with writable weights and discarded afterwards.
/// The same model, texts, options and seed give bit-identical weights on one machine and llama.cpp build.
/// </summary>
public static class FineTuner
{
    public static FineTuneResult Run(string modelPath, IReadOnlyList<string> texts, TrainingOptions? options = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        using var run = new TrainingRun(modelPath, texts, options ?? new TrainingOptions());
        var targets = run.Targets.ToHashSet(StringComparer.Ordinal);
        using var session = new LlamaTrainingSession(run.Model.Handle, run.Model.VocabularySize, run.Options.WindowLength, run.Options.Threads,
            targets.Contains, IntPtr.Zero, run.StepParameters, run.OptimizerType);
        var missing = run.Targets.Except(session.Trainable.Select(t => t.Name), StringComparer.Ordinal).ToArray();
        if (missing.Length > 0)
            throw new InvalidOperationException($"llama.cpp did not mark {string.Join(", ", missing.Take(5))}{(missing.Length > 5 ? ", …" : "")} trainable in '{modelPath}'");

        var statistics = run.Train(session, progress, cancellation);
        var trained = session.Trainable.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var tuned = run.BaseModel.Tensors.Where(t => trained.ContainsKey(t.Name))
            .Select(t => new TunedTensor(t.Name, trained[t.Name].Dimensions, t.ToFloat32(), session.Read(t.Name)))
            .ToArray();
        return new FineTuneResult(modelPath, run.BaseModel, run.Options, tuned, statistics);
    }
}
