using System.Diagnostics;
using Crayon.Formats.Gguf;
using Crayon.Interop.Llama;
using Crayon.Llama;

namespace Crayon.Training;

/// <summary>
/// What every training route shares: the checks on model, texts and options, a private model copy
/// with writable weights, the texts as token sequences, the seeded window plan of every epoch, and
/// the loop that feeds windows to a <see cref="LlamaTrainingSession"/>.
/// </summary>
internal sealed class TrainingRun : IDisposable
{
    private const string TokenEmbedding = "token_embd.weight";
    private readonly List<List<int>>[] _plan;

    public TrainingRun(string modelPath, IReadOnlyList<string> texts, TrainingOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (texts.Count == 0) throw new ArgumentException("there are no training texts");
        if (!File.Exists(modelPath)) throw new FileNotFoundException($"model file not found: {modelPath}", modelPath);
        ModelPath = modelPath;
        Options = options;
        BaseModel = GgufReader.Read(modelPath);
        Targets = ResolveTargets(BaseModel, options.Targets, modelPath);
        Model = LlamaModel.Load(modelPath, new LlamaModelOptions { Backend = LlamaBackend.Cpu, UseMmap = false });
        try
        {
            if (options.WindowLength > Model.TrainContextLength)
                throw new ArgumentOutOfRangeException(nameof(options), options.WindowLength,
                    $"the training window of {options.WindowLength} tokens exceeds the {Model.TrainContextLength}-token context '{modelPath}' was trained with");
            Sequences = TrainingSequences.Tokenize(Model.Tokenizer, texts, options.WindowLength);
            _plan = Enumerable.Range(0, options.Epochs).Select(epoch => WindowPacker.Pack(Sequences.Sequences,
                new SeededRandom(SeededRandom.Derive(options.Seed, $"fine-tune epoch {epoch}")).Permutation(texts.Count),
                options.WindowLength, options.Packing)).ToArray();
            TotalSteps = _plan.Sum(p => (long)p.Count);
        }
        catch
        {
            Model.Dispose();
            throw;
        }
    }

    public string ModelPath { get; }
    public TrainingOptions Options { get; }
    public GgufFile BaseModel { get; }
    public LlamaModel Model { get; }

    /// <summary>The GGUF names of the selected tensors, in file order.</summary>
    public IReadOnlyList<string> Targets { get; }

    public TrainingSequences Sequences { get; }
    public long TotalSteps { get; }

    public int OptimizerType => Options.Optimizer == TrainingOptimizer.Sgd ? LlamaOptParams.OptimizerSgd : LlamaOptParams.OptimizerAdamW;

    public AdamWStep StepParameters(long step) => new(Options.LearningRateAt(step, TotalSteps), Options.WeightDecay);

    /// <summary>Runs every epoch's windows through <paramref name="session"/>.</summary>
    public TrainingStatistics Train(LlamaTrainingSession session, IProgress<TrainingProgress>? progress, CancellationToken cancellation)
    {
        var epochLosses = new double[Options.Epochs];
        var tokens = new int[Options.WindowLength];
        var labels = new int[Options.WindowLength];
        long step = 0, used = 0;
        var clock = Stopwatch.StartNew();
        var processorStart = Environment.CpuUsage.TotalTime;
        for (var epoch = 0; epoch < Options.Epochs; epoch++)
        {
            var sum = 0.0;
            foreach (var window in _plan[epoch])
            {
                cancellation.ThrowIfCancellationRequested();
                WindowPacker.Fill(Sequences.Sequences, window, Sequences.Pad, tokens, labels);
                used += WindowPacker.Used(Sequences.Sequences, window);
                var learningRate = Options.LearningRateAt(step, TotalSteps);
                var (loss, accuracy) = session.TrainWindow(tokens, labels);
                if (!double.IsFinite(loss))
                    throw new InvalidOperationException($"the training loss became {loss} at step {step + 1} (epoch {epoch + 1}); lower the learning rate (now {learningRate:g3})");
                sum += loss;
                step++;
                progress?.Report(new TrainingProgress(epoch, Options.Epochs, step, TotalSteps, loss, accuracy, learningRate, clock.Elapsed));
            }
            epochLosses[epoch] = sum / _plan[epoch].Count;
        }
        var capacity = (double)TotalSteps * (Options.WindowLength + 1);
        return new TrainingStatistics(Sequences.Sequences.Count, Sequences.Truncated, Sequences.TokenCount, TotalSteps, epochLosses,
            1.0 - Math.Min(used, capacity) / capacity, clock.Elapsed, Environment.CpuUsage.TotalTime - processorStart);
    }

    /// <summary>
    /// The tensor names to train, checked against the file before llama.cpp sees it: every named module
    /// must exist, and every selected weight must be F32 (llama.cpp silently skips other types).
    /// </summary>
    internal static IReadOnlyList<string> ResolveTargets(GgufFile model, TensorSelection selection, string source)
    {
        var candidates = model.Tensors.Where(t => t.Name != TokenEmbedding && t.Name != "rope_freqs.weight" && selection.Matches(t.Name)).ToArray();
        if (selection.Modules is { } modules)
        {
            var present = model.Tensors.Select(t => TensorSelection.ModuleOf(t.Name)).OfType<string>().ToHashSet(StringComparer.Ordinal);
            var unknown = modules.Where(m => !present.Contains(m)).ToArray();
            if (unknown.Length > 0)
                throw new ArgumentException($"'{source}' has no tensor for module{(unknown.Length > 1 ? "s" : "")} {string.Join(", ", unknown)}; its block modules are {string.Join(", ", present.Order(StringComparer.Ordinal))}");
        }
        var notF32 = candidates.Where(t => t.Type != GgmlType.F32).ToArray();
        if (notF32.Length > 0)
            throw new InvalidDataException(
                $"'{source}' stores {notF32[0].Name} as {GgmlTypeTraits.NameOf(notF32[0].Type)}{(notF32.Length > 1 ? $" (and {notF32.Length - 1} more selected tensors are not F32)" : "")}; " +
                "llama.cpp trains F32 weights only. Use an F32 model: `crayon import llama2c` writes one, and convert_hf_to_gguf.py takes --outtype f32");
        if (candidates.Length == 0) throw new ArgumentException($"the selection '{selection}' matches no trainable tensor in '{source}'");
        return candidates.Select(t => t.Name).ToArray();
    }

    public void Dispose() => Model.Dispose();
}
