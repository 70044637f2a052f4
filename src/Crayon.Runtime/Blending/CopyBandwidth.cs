namespace Crayon.Blending;

/// <summary>The copy ceiling of a blend device: bytes copied once (read once, written once) and how fast.</summary>
/// <param name="TransferBestNanoseconds">Fastest vkCmdCopyBuffer, for reference (null on the CPU path).</param>
public sealed record CopyBandwidth(long Bytes, double BestNanoseconds, double MedianNanoseconds, double? TransferBestNanoseconds, bool DeviceTimed)
{
    /// <summary>Bytes read plus bytes written per second, in GB/s (10^9), at the best repetition.</summary>
    public double GigabytesPerSecond => 2.0 * Bytes / BestNanoseconds;
}
