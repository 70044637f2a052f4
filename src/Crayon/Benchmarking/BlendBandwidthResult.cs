using Crayon.Blending;

namespace Crayon.Benchmarking;

/// <summary>
/// One configuration of the blend bandwidth benchmark. Bytes count what crosses memory once:
/// the blend reads the whole pool and writes the fp32 output; the copy reads and writes its
/// buffer. GB/s are 10^9 bytes per second at the fastest repetition.
/// </summary>
public sealed record BlendBandwidthResult(
    string Backend,
    string Device,
    string Storage,
    string Mode,
    int Adapters,
    long PoolBytes,
    long OutputBytes,
    double BlendBestMicroseconds,
    double BlendMedianMicroseconds,
    long CopyBytes,
    double CopyBestMicroseconds,
    double? TransferCopyBestMicroseconds,
    bool DeviceTimed)
{
    public long BlendBytesMoved => PoolBytes + OutputBytes;
    public double BlendGigabytesPerSecond => BlendBytesMoved / (BlendBestMicroseconds * 1e3);
    public double CopyGigabytesPerSecond => 2.0 * CopyBytes / (CopyBestMicroseconds * 1e3);
    public double? TransferCopyGigabytesPerSecond => TransferCopyBestMicroseconds is { } t && t > 0 ? 2.0 * CopyBytes / (t * 1e3) : null;
    public double PercentOfCopy => 100.0 * BlendGigabytesPerSecond / CopyGigabytesPerSecond;

    internal static string StorageName(PoolStorage storage) => storage switch
    {
        PoolStorage.Float32 => "f32",
        PoolStorage.Float16 => "f16",
        _ => "bf16",
    };
}
