using Crayon.Customization;

namespace Crayon.Hybrid.Customization;

/// <summary>
/// The device customized through a server: how the server's blend reached the context's live adapter slot (loaded once
/// per shape, in place after that), the alpha it sent, and the cost: bytes up (only pool id, alpha, mode) and down
/// (centroids, the adapter's values), and where the time went (<see cref="LoadTime"/>: reading the values and landing them).
/// </summary>
public sealed record RemoteCustomization(
    SwapKind Swap, double[] Similarities, double[] Alpha, IReadOnlyList<int> Blended,
    long BytesSent, long BytesReceived, TimeSpan PoolTime, TimeSpan AlphaTime, TimeSpan BlendTime, TimeSpan LoadTime);
