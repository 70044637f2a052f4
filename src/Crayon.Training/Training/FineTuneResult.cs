using Crayon.Formats.Gguf;

namespace Crayon.Training;

/// <summary>What a fine-tune produced: the trained tensors (before and after) and how training went.</summary>
public sealed class FineTuneResult
{
    private readonly GgufFile _baseModel;

    internal FineTuneResult(string modelPath, GgufFile baseModel, TrainingOptions options, IReadOnlyList<TunedTensor> tensors, TrainingStatistics statistics)
    {
        ModelPath = modelPath;
        _baseModel = baseModel;
        Options = options;
        Tensors = tensors;
        Statistics = statistics;
    }

    /// <summary>The base model that was fine-tuned.</summary>
    public string ModelPath { get; }

    /// <summary>general.architecture of the base model.</summary>
    public string Architecture => _baseModel.Metadata.GetString(GgufKeys.Architecture);

    public TrainingOptions Options { get; }

    /// <summary>Every tensor that was trained, in model order.</summary>
    public IReadOnlyList<TunedTensor> Tensors { get; }

    public TrainingStatistics Statistics { get; }

    /// <summary>
    /// The fine-tuned model as GGUF: the base file's metadata (plus crayon.fine_tune.* provenance) and
    /// tensors, with the trained ones replaced. Unlike llama_model_save_to_file, which regenerates the
    /// metadata and records the training window as the context length, nothing else changes.
    /// </summary>
    public GgufFile ToModel()
    {
        var tuned = Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var metadata = _baseModel.Metadata.Clone();
        foreach (var (key, value) in Provenance()) metadata.Set(key, GgufValue.Str(value));
        var tensors = _baseModel.Tensors.Select(t => tuned.TryGetValue(t.Name, out var u)
            ? GgufTensor.FromFloat32(t.Name, t.Dimensions.ToArray(), u.Tuned)
            : t);
        return new GgufFile(metadata, tensors, _baseModel.Version);
    }

    public void WriteModel(string path) => GgufWriter.WriteFile(path, ToModel());

    public byte[] ToModelImage() => GgufWriter.ToBytes(ToModel());

    /// <summary>String metadata describing how the weights were made (also carried into extracted adapters).</summary>
    public IReadOnlyDictionary<string, string> Provenance() => TrainingProvenance.Describe(ModelPath, Options, Statistics);
}
