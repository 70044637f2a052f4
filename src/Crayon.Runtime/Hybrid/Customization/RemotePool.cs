using Crayon.Llama;
using Crayon.Pool;

namespace Crayon.Hybrid.Customization;

/// <summary>What a server says about a pool it blends: its shape, its model and its centroids (alpha is computed from them on the device).</summary>
public sealed record RemotePool(string Id, int Count, int Rank, EmbeddingSignal Signal, int EmbeddingLength, PoolModel Model, IReadOnlyList<float[]> Centroids);
