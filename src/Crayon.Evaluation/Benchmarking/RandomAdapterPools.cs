using Crayon.Adapters;
using Crayon.Llama;

namespace Crayon.Benchmarking;

/// <summary>Pools of seeded random LoRA adapters that fit a loaded model (its own tensor shapes), for the swap and decode benchmarks.</summary>
public static class RandomAdapterPools
{
    /// <summary><paramref name="count"/> rank-<paramref name="rank"/> adapters on every layer's <paramref name="modules"/> the model has; factors uniform in ±0.01.</summary>
    public static AdapterPool ForModel(LlamaModel model, int count, int rank, IReadOnlyList<string> modules, int seed)
    {
        var weights = model.Layout.Tensors.ToDictionary(t => t.Info.Name, t => t.Info.Dimensions);
        var targets = Enumerable.Range(0, model.LayerCount)
            .SelectMany(layer => modules.Select(t => $"blk.{layer}.{t}"))
            .Where(t => weights.ContainsKey(t + ".weight"))
            .ToList();
        if (targets.Count == 0)
            throw new ArgumentException($"model '{model.Name}' has none of the targets {string.Join(", ", modules)}");
        var adapters = new List<LoraAdapter>(count);
        for (var i = 0; i < count; i++)
        {
            var random = new Random(HashCode.Combine(seed, i));
            LoraMatrix Matrix(int rows, int cols)
            {
                var data = new float[checked(rows * cols)];
                for (var k = 0; k < data.Length; k++) data[k] = (float)(random.NextDouble() * 0.02 - 0.01);
                return new LoraMatrix(rows, cols, data);
            }
            adapters.Add(new LoraAdapter(model.Architecture, rank, targets.Select(target =>
            {
                var dims = weights[target + ".weight"];
                int inFeatures = (int)dims[0], outFeatures = (int)dims[1];
                return new LoraPair(target, Matrix(rank, inFeatures), Matrix(outFeatures, rank));
            }).ToList()));
        }
        return new AdapterPool(adapters);
    }
}
