using System.Globalization;
using Crayon.Blending;
using Crayon.Customization;
using Crayon.Llama;
using Crayon.Pool;
using Crayon.Server.Hosting;
using Crayon.Tests.Llama;
using NUnit.Framework;

namespace Crayon.Tests.Server;

/// <summary>
/// stories260K served from a file with a 4-adapter pool built for it ("tiny"), so requests may carry a Crayon
/// customization; and the same model, pool and blend recipe (linear, fp32, CPU blender) loaded locally for references.
/// </summary>
internal sealed class ServedCustomization : IDisposable
{
    public const string Pool = "tiny", Prompt = "Once upon a time";
    public const int MaxTokens = 8;

    private readonly LlamaModel _model;
    private readonly LlamaContext _context;
    private readonly Customizer _customizer;

    public ServedCustomization(string folder)
    {
        ModelPath = Path.Combine(folder, "stories.gguf");
        PoolPath = Path.Combine(folder, "pool.gguf");
        StoriesPool.Write(ModelPath, PoolPath);
        _model = LlamaTestRuntime.LoadCpu(ModelPath);
        _context = _model.CreateContext(new LlamaContextOptions { ContextLength = 512, Threads = 1 });
        _customizer = new Customizer(_model, PoolModelIdentity.Of(ModelPath), AdapterPoolFile.Read(PoolPath), new CustomizerOptions
        {
            Mode = CustomizationMode.Linear, Blender = new BlenderOptions { Backend = BlendBackend.Cpu }, Storage = PoolStorage.Float32,
        });
    }

    public string ModelPath { get; }
    public string PoolPath { get; }

    public CrayonServerOptions Options(int contexts) => ServedStories.Options(contexts) with
    {
        ModelImage = null, ModelPath = ModelPath, ModelId = ServedStories.Id, Pools = [new PoolSource(Pool, PoolPath)],
    };

    /// <summary>The greedy completion's token log-probabilities with <paramref name="alpha"/>'s blend live on a local context (null: the base model).</summary>
    public double[] Local(double[]? alpha) => Local(alpha, null);

    /// <summary>As <see cref="Local(double[])"/>, blended with <paramref name="recipe"/> (null: linear, the fixture's).</summary>
    public double[] Local(double[]? alpha, BlendRecipe? recipe)
    {
        if (alpha is null) _context.ApplyAdapters(AdapterSet.None);
        else _customizer.Apply(alpha, _context, recipe);
        return _context.Generate(Prompt, new GenerationOptions { MaxTokens = MaxTokens, LogProbabilities = 0 })
            .Where(t => t.LogProbability is not null).Select(t => t.LogProbability!.LogProbability).ToArray();
    }

    public static string Json(double[] alpha) => "[" + string.Join(",", alpha.Select(a => a.ToString("R", CultureInfo.InvariantCulture))) + "]";

    /// <summary>A completion request with <paramref name="crayon"/> as its "crayon" field (null: none).</summary>
    public static string Request(string? crayon) =>
        $$"""{"prompt":"{{Prompt}}","max_tokens":{{MaxTokens}},"temperature":0,"logprobs":0{{(crayon is null ? "" : $",\"crayon\":{crayon}")}}}""";

    public static string Inline(double[] alpha) => $$"""{"pool":"{{Pool}}","alpha":{{Json(alpha)}}}""";

    public static async Task<double[]> LogProbsAsync(HttpClient http, string? crayon)
    {
        var (status, body) = await ServedStories.PostAsync(http, "v1/completions", Request(crayon));
        Assert.That(status, Is.EqualTo(200), body.ToString());
        return body.GetProperty("choices")[0].GetProperty("logprobs").GetProperty("token_logprobs").EnumerateArray().Select(e => e.GetDouble()).ToArray();
    }

    /// <summary>Alpha number <paramref name="i"/> of a family of distinct weightings, each in (0, 2].</summary>
    public static double[] Alpha(int i)
    {
        var random = new Random(1000 + i);
        return Enumerable.Range(0, 4).Select(_ => 0.001 + Math.Round(random.NextDouble() * 2, 3)).ToArray();
    }

    public void Dispose()
    {
        _customizer.Dispose();
        _context.Dispose();
        _model.Dispose();
    }
}
