using Crayon.Customization;
using Crayon.Evaluation;
using Crayon.Hybrid;
using Crayon.Hybrid.Endpoint;
using Crayon.Hybrid.ServerModel;
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
/// questions with and without the adapter), <see cref="EnsureServerModel"/> (the server's model, trained once and cached) and
/// <see cref="RouteAsync"/> (a mix of the task's questions and out-of-scope MMLU questions answered by the hybrid: each
/// stays on the customized device or goes to an OpenAI-compatible server, with the reason).
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
    private IReadOnlyList<QaItem>? _examples;
    private LlamaEmbedder? _embedder;
    private CachedServerModel? _serverModel;

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

    /// <summary>The pool: small enough to build in a few minutes on 2 cores (the same one `crayon bench hybrid` uses).</summary>
    public StandardPool PoolRecipe => _options.Pool with
    {
        ContextTokens = _options.ContextTokens,
        Seed = _options.Seed,
        Signal = _options.Customizer.Signal ?? PoolBuildSettings.DefaultSignal,
    };

    /// <summary>The pool's settings.</summary>
    public PoolBuildSettings PoolSettings => PoolRecipe.BuildSettings;

    /// <summary>
    /// Step 2: the pool, from the cache or built now. Its data are the pool tasks' train splits without their test
    /// splits and without the first <see cref="DemoOptions.MaxExamples"/> user examples of each task, so the user's
    /// examples are never in the pool.
    /// </summary>
    public CachedPool EnsurePool(IProgress<PoolBuildProgress>? progress = null, CancellationToken cancellation = default)
    {
        if (_pool is not null) return _pool;
        var training = PoolRecipe.TrainingData(LoadData());
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
        // Forget the old result before making the new one: if customizing fails, Answer/RouteAsync must not run on a half-made one.
        _customized = null;
        _customized = _customizer.Customize(examples.AsExamples(), _context);
        _examples = examples;
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
        _customizer!.Restore(context);
        var after = questions.Select(q => QaModelScorer.Score(context, q, budget)).ToArray();
        return questions.Select((q, i) => new DemoAnswer(q, before[i], after[i])).ToArray();
    }

    /// <summary>
    /// Step 5: the server's model: <see cref="DemoOptions.ServerModelPath"/>, or the device model fine-tuned on the train
    /// splits of every task by <see cref="DemoOptions.ServerRecipe"/> (trained once, then taken from the cache).
    /// </summary>
    public CachedServerModel EnsureServerModel(IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        if (_serverModel is not null) return _serverModel;
        if (_options.ServerModelPath is { } named) return _serverModel = new CachedServerModel(named, _options.ServerRecipe, 0, null, null);
        var baseModel = _options.ModelPath ?? DefaultModel.EnsureUntied();
        return _serverModel = ServerModelCache.GetOrBuild(_options.ServerRecipe with { Seed = _options.Seed }, baseModel, TaskCatalog.Open(), _options.CacheFolder, progress, cancellation);
    }

    /// <summary>
    /// Step 6: the task's test questions mixed with out-of-scope MMLU questions, each answered by the hybrid: the customized
    /// device measures the query's centered hidden-state similarity to q_c (and its own confidence), the router calibrated on
    /// the user's examples decides, routed queries go to <paramref name="server"/>. Only the query's text leaves the device.
    /// </summary>
    public async Task<DemoRouting> RouteAsync(OpenAiEndpoint server, Action<HybridAnswer>? onAnswer = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        var customized = _customized ?? throw new InvalidOperationException("customize first (Customize)");
        var context = _context!;
        var examples = _examples!;
        _customizer!.Restore(context);
        _embedder ??= new LlamaEmbedder(_model!, new LlamaContextOptions { ContextLength = context.ContextLength, Threads = 1 });
        var budget = QaModelScorer.BudgetFor(context.ContextLength);
        // Raw mean-pooled states of a small model crowd near cos 1; centered on text in general they separate tasks (HybridDevice).
        var center = HybridDevice.CenterOf(_embedder, CenterReference().AsQueries(), EmbeddingSignal.Hidden, budget);
        var (taskEmbedding, exampleEmbeddings) = HybridDevice.TaskEmbeddingOf(_embedder, examples.AsQueries(), EmbeddingSignal.Hidden, budget);
        var device = new HybridDevice(context, _embedder, taskEmbedding, EmbeddingSignal.Hidden, center);
        var router = RouterCalibration.Calibrate(device, examples.AsQueries(), exampleEmbeddings, _options.Policy, _options.RoutingRatio, _options.Seed);
        var questions = MixedQuestions();
        var client = new HybridClient(device, router, server) { AlwaysMeasureConfidence = true };
        var answers = await client.AnswerAllAsync(questions.Select(q => q.Item.AsQuery()), onAnswer, cancellation).ConfigureAwait(false);
        return new DemoRouting(router, examples.Count, questions, answers);
    }

    /// <summary>The task's test questions and <see cref="DemoOptions.OutOfScopeQuestions"/> MMLU ones, in a seeded order.</summary>
    public IReadOnlyList<DemoQuestion> MixedQuestions()
    {
        var catalog = TaskCatalog.Open();
        var own = TaskSampler.TestItems(Task(), _options.Seed, _options.Questions).Select(q => new DemoQuestion(q, true));
        var perSubject = _options.OutOfScope.Count == 0 ? 0 : (_options.OutOfScopeQuestions + _options.OutOfScope.Count - 1) / _options.OutOfScope.Count;
        var foreign = _options.OutOfScope.SelectMany(s => perSubject == 0 ? [] : TaskSampler.TestItems(catalog.Get(s).Load(), _options.Seed, perSubject))
            .Take(_options.OutOfScopeQuestions).Select(q => new DemoQuestion(q, false));
        var mixed = own.Concat(foreign).ToArray();
        new SeededRandom(SeededRandom.Derive(_options.Seed, "demo mixed questions")).Shuffle(mixed.AsSpan());
        return mixed;
    }

    // The mean hidden state of train items of every pool task: "text in general" for this model.
    private IReadOnlyList<QaItem> CenterReference()
    {
        var data = LoadData();
        return TaskSampler.TrainingMixture(data, _options.Seed, _options.CenterItemsPerTask, new LeakageGuard(data.SelectMany(t => t.Test).Concat(_examples!)));
    }

    private QaTaskData Task() => LoadData().First(t => t.Task.Name == _options.Task);

    private IReadOnlyList<QaTaskData> LoadData()
    {
        if (_data is not null) return _data;
        var catalog = TaskCatalog.Open();
        return _data = _options.Pool.Tasks.Select(t => catalog.Get(t).Load()).ToArray();
    }

    public void Dispose()
    {
        _customizer?.Dispose();
        _embedder?.Dispose();
        _context?.Dispose();
        _model?.Dispose();
    }
}
