using Crayon.Adapters;
using Crayon.Blending;
using Crayon.Customization;
using Crayon.Llama;
using Crayon.Pool;

namespace Crayon.Benchmarking;

/// <summary>
/// The hybrid benchmark's customization from a pool on the device: alpha from q_c and the centroids,
/// a blend on the device's blender, the adapter loaded from memory. A stand-in the lead can replace by
/// issue 4's customization pipeline through <see cref="TaskCustomizer"/>; it does the same steps.
/// </summary>
public sealed class PoolTaskCustomizer : IDisposable
{
    private readonly LlamaModel _model;
    private readonly AdapterPoolArtifact _pool;
    private readonly Blender _blender;
    private readonly ResidentPool _resident;
    private readonly AlphaOptions _alpha;
    private readonly BlendMode _mode;
    private readonly int? _topK;

    /// <param name="modelIdentity">The device model as <see cref="AdapterPoolArtifact.EnsureBuiltFor"/> checks it.</param>
    public PoolTaskCustomizer(LlamaModel model, PoolModel modelIdentity, AdapterPoolArtifact pool, AlphaOptions alpha, BlendMode mode, int? topK, BlenderOptions? blender = null)
    {
        ArgumentNullException.ThrowIfNull(pool);
        pool.EnsureBuiltFor(modelIdentity);
        _model = model;
        _pool = pool;
        _alpha = alpha;
        _mode = mode;
        _topK = topK;
        _blender = Blender.Create(blender);
        _resident = _blender.Upload(pool.Adapters, PoolStorage.Float32);
    }

    /// <summary>The signal the pool's centroids live in: q_c must be measured with it.</summary>
    public EmbeddingSignal Signal => _pool.Signal;

    public LlamaAdapter Customize(string task, IReadOnlyList<Tasks.QaItem> examples, float[] taskEmbedding)
    {
        var alpha = BlendAlpha.FromEmbedding(taskEmbedding, _pool.Centroids, _alpha).Alpha.Select(a => (float)a).ToArray();
        var blended = _resident.Blend(alpha, _mode, _mode == BlendMode.Concat ? _topK : null);
        return LlamaAdapter.Load(_model, LoraAdapterGguf.ToBytes(blended.Adapter), $"crayon blend for {task}");
    }

    public void Dispose() => _blender.Dispose();
}
