using Crayon.Customization;
using Crayon.Evaluation;
using Crayon.Llama;
using Crayon.Models;
using Crayon.Pool;
using Crayon.Pool.Building;
using Crayon.Tasks;
using Crayon.Training;

namespace Crayon.Demo;

/// <summary>The customization step's outcome, for printing.</summary>
public sealed record DemoCustomization(string Task, IReadOnlyList<QaItem> Examples, AdapterPoolArtifact Pool, CustomizationResult Result, string BlendDevice);

/// <summary>One question answered by the base model and by the customized one.</summary>
public sealed record DemoAnswer(QaItem Question, ItemScore Base, ItemScore Customized);

/// <summary>
/// Crayon end to end on the embedded default model, as steps that return data (printing is the caller's):
/// <see cref="EnsureModel"/> (import stories260K once), <see cref="EnsurePool"/> (build a small pool once, then reuse it),
/// <see cref="Customize"/> (a task's examples → alpha → blend → adapter live in llama.cpp), <see cref="Answer"/> (test
/// questions with and without the adapter). Later steps can be added (e.g. routing to a server) on the same model and context.
/// </summary>
public sealed class DemoRunner : IDisposable
{
    private readonly DemoOptions _options;
    private string? _modelPath;
    private CachedPool? _pool;
    private IReadOnlyList<QaTaskData>? _data;
    private LlamaModel? _model;
    private LlamaContext? _context;
    private Customizer? _customizer;
    private CustomizationResult? _customized;

    public DemoRunner(DemoOptions? options = null)
    {
        _options = options ?? new DemoOptions();
        _options.Validate();
    }

    public DemoOptions Options => _options;

    /// <summary>The loaded model (after <see cref="Customize"/>).</summary>
    public LlamaModel? Model => _model;

    /// <summary>The context the customized adapter is set on (after <see cref="Customize"/>).</summary>
    public LlamaContext? Context => _context;

    /// <summary>The customizer (after <see cref="Customize"/>): embeds queries with the pool's signal, e.g. to route them.</summary>
    public Customizer? Customizer => _customizer;

    /// <summary>The latest customization (after <see cref="Customize"/>).</summary>
    public CustomizationResult? Customization => _customized;

    /// <summary>Step 1: the model file, importing stories260K from the shared data on first use.</summary>
    public string EnsureModel() => _modelPath ??= _options.ModelPath ?? DefaultModel.EnsureImported();

    /// <summary>The pool's settings: small enough to build in a few minutes on 2 cores.</summary>
    public PoolBuildSettings PoolSettings => new()
    {
        Adapters = _options.PoolAdapters,
        Rank = _options.PoolRank,
        Seed = _options.Seed,
        Signal = _options.Customizer.Signal ?? PoolBuildSettings.DefaultSignal,
        Training = TrainingOptions.AdapterDefaultsFor(_options.PoolRank) with { Epochs = _options.PoolEpochs, WindowLength = _options.ContextTokens },
    };

    /// <summary>
    /// Step 2: the pool, from the cache or built now. Its data are the pool tasks' train splits without their test
    /// splits and without the first <see cref="DemoOptions.MaxExamples"/> user examples of each task, so the user's
    /// examples are never in the pool.
    /// </summary>
    public CachedPool EnsurePool(IProgress<PoolBuildProgress>? progress = null, CancellationToken cancellation = default)
    {
        if (_pool is not null) return _pool;
        var data = LoadData();
        var heldOut = data.SelectMany(t => t.Test.Concat(TaskSampler.UserExamples(t, Math.Min(DemoOptions.MaxExamples, t.Train.Count / 2), _options.Seed)));
        var mixture = TaskSampler.TrainingMixture(data, _options.Seed, _options.PoolItemsPerTask, new LeakageGuard(heldOut));
        var training = new PoolTrainingData(mixture, _options.PoolTasks.Select(t => $"task {t} (train, less test and demo examples)").ToArray());
        return _pool = PoolCache.GetOrBuild(EnsureModel(), training, PoolSettings, new PoolBuildRun { Progress = progress, Cancellation = cancellation }, _options.CacheFolder);
    }

    /// <summary>Step 3: the user's examples of the task customize the model; the adapter is set on <see cref="Context"/>.</summary>
    public DemoCustomization Customize()
    {
        var pool = EnsurePool().Pool;
        var task = Task();
        var examples = TaskSampler.UserExamples(task, _options.Examples, _options.Seed);
        _model ??= LlamaModel.Load(EnsureModel(), new LlamaModelOptions { Backend = LlamaBackend.Cpu });
        // Room for a cut prompt and a whole answer choice (never cut), as in the benchmark.
        _context ??= _model.CreateContext(new LlamaContextOptions { ContextLength = Math.Max(4 * _options.ContextTokens, 512), Threads = 1 });
        _customizer ??= new Customizer(_model, PoolModelIdentity.Of(EnsureModel()), pool, _options.Customizer);
        _customized?.Dispose();
        _customized = _customizer.Customize(examples, _context);
        return new DemoCustomization(_options.Task, examples, pool, _customized, _customizer.BlendDevice?.ToString() ?? "none (runtime mix)");
    }

    /// <summary>Step 4: test questions of the task, scored by the base model and by the customized one.</summary>
    public IReadOnlyList<DemoAnswer> Answer()
    {
        var customized = _customized ?? throw new InvalidOperationException("customize first (Customize)");
        var context = _context!;
        var questions = TaskSampler.TestItems(Task(), _options.Seed, _options.Questions);
        var budget = QaModelScorer.BudgetFor(_options.ContextTokens);
        context.ApplyAdapters(AdapterSet.None);
        var before = questions.Select(q => QaModelScorer.Score(context, q, budget)).ToArray();
        context.ApplyAdapters(customized.Adapters);
        var after = questions.Select(q => QaModelScorer.Score(context, q, budget)).ToArray();
        return questions.Select((q, i) => new DemoAnswer(q, before[i], after[i])).ToArray();
    }

    private QaTaskData Task() => LoadData().First(t => t.Task.Name == _options.Task);

    private IReadOnlyList<QaTaskData> LoadData()
    {
        if (_data is not null) return _data;
        var catalog = TaskCatalog.Open();
        return _data = _options.PoolTasks.Select(t => catalog.Get(t).Load()).ToArray();
    }

    public void Dispose()
    {
        _customized?.Dispose();
        _customizer?.Dispose();
        _context?.Dispose();
        _model?.Dispose();
    }
}
