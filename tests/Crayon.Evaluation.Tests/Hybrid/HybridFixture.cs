using Crayon.Hybrid;
using Crayon.Hybrid.Endpoint;
using Crayon.Llama;
using Crayon.Routing;
using Crayon.Tasks;
using Crayon.Tests.Llama;
using Crayon.Tests.Server;

namespace Crayon.Tests.Hybrid;

/// <summary>
/// A device for hybrid tests: stories260K with a customizing adapter (a random one of the model's
/// shapes, strong enough to change answers), its embedder, and q_c of a few user examples.
/// </summary>
internal sealed class HybridFixture : IDisposable
{
    public HybridFixture()
    {
        Model = ServedStories.LoadLocal();
        Context = Model.CreateContext(LlamaTestRuntime.Context(512));
        Embedder = new LlamaEmbedder(Model, LlamaTestRuntime.Context(512));
        var adapter = new Crayon.Tests.Blending.RandomAdapters(seed: 21).Pool(1, 4, StoriesPool.Targets).Adapters[0];
        using (var loaded = LlamaAdapter.Load(Model, Crayon.Adapters.LoraAdapterGguf.ToBytes(adapter), "device adapter"))
            Context.ApplyAdapters(AdapterSet.Single(loaded));
        var (taskEmbedding, embeddings) = HybridDevice.TaskEmbeddingOf(Embedder, Examples.AsQueries(), EmbeddingSignal.Query, QaModelScorerBudget);
        Device = new HybridDevice(Context, Embedder, taskEmbedding, EmbeddingSignal.Query);
        ExampleEmbeddings = embeddings;
    }

    private static PromptBudget QaModelScorerBudget => Crayon.Evaluation.QaModelScorer.BudgetFor(512);

    /// <summary>The user's examples: stories questions (the customized task).</summary>
    public static IReadOnlyList<QaItem> Examples { get; } =
    [
        new("u1", "stories", "Lily went to the park with her dog. Where did Lily go?", [" the park", " the moon", " school"], 0),
        new("u2", "stories", "Tom had a red ball. What color was the ball?", [" red", " blue", " green"], 0),
        new("u3", "stories", "The cat was sleepy, so it went to bed. Why did the cat go to bed?", [" it was sleepy", " it was hungry"], 0),
        new("u4", "stories", "Sue found a big box in the garden. What did Sue find?", [" a box", " a car", " a tree"], 0),
    ];

    /// <summary>Queries: two like the examples, two far from them.</summary>
    public static IReadOnlyList<QaItem> Queries { get; } =
    [
        new("q1", "stories", "Ben saw a little bird in the tree. What did Ben see?", [" a bird", " a fish", " a dog"], 0),
        new("q2", "stories", "Mia was happy because she got a new doll. Why was Mia happy?", [" a new doll", " it rained"], 0),
        new("q3", "mmlu/anatomy", "Which of the following is the body cavity that contains the pituitary gland?", [" Abdominal", " Cranial", " Pleural", " Spinal"], 1),
        new("q4", "mmlu/anatomy", "The maxillary sinus drains into which meatus of the nasal cavity?", [" inferior", " middle", " superior"], 1),
    ];

    public LlamaModel Model { get; }
    public LlamaContext Context { get; }
    public LlamaEmbedder Embedder { get; }
    public HybridDevice Device { get; }
    public IReadOnlyList<float[]> ExampleEmbeddings { get; }

    public Router Router(double ratio, RoutingPolicy policy = RoutingPolicy.Similarity) =>
        RouterCalibration.Calibrate(Device, Examples.AsQueries(), ExampleEmbeddings, policy, ratio);

    public HybridClient Client(Uri server, double ratio, TimeSpan? timeout = null, string? model = null, RoutingPolicy policy = RoutingPolicy.Similarity) =>
        new(Device, Router(ratio, policy), new OpenAiEndpoint(new OpenAiEndpointOptions { BaseUrl = server, Timeout = timeout ?? TimeSpan.FromSeconds(20), Model = model }));

    public void Dispose()
    {
        Embedder.Dispose();
        Context.Dispose();
        Model.Dispose();
    }
}
