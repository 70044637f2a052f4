using Crayon.Llama;

namespace Crayon.Hybrid.Customization;

/// <summary>
/// The device customized through a server: the adapter now loaded from memory, the alpha it sent,
/// and the cost: bytes up (only pool id, alpha, mode) and down (centroids, the adapter), and where the time went.
/// </summary>
public sealed record RemoteCustomization(
    LlamaAdapter Adapter, double[] Similarities, double[] Alpha, IReadOnlyList<int> Blended,
    long BytesSent, long BytesReceived, TimeSpan PoolTime, TimeSpan AlphaTime, TimeSpan BlendTime, TimeSpan LoadTime);
