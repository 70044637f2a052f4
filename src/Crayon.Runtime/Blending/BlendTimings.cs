namespace Crayon.Blending;

/// <summary>Where one blend's time went, in microseconds.</summary>
/// <param name="BlendMicroseconds">The blend kernel: GPU timestamps on Vulkan (see <paramref name="DeviceTimed"/>), wall time on the CPU path.</param>
/// <param name="ReadBackMicroseconds">Device output to caller memory: the GPU copy into staging plus the host copy out of it (0 without read-back; 0 on the CPU path, which writes in place).</param>
/// <param name="HostMicroseconds">Wall time of the whole call as the caller saw it, output allocation included.</param>
/// <param name="DeviceTimed">True when the device figures come from GPU timestamps.</param>
/// <param name="ReadBackHostMicroseconds">The host part of <paramref name="ReadBackMicroseconds"/>: copying out of the read-back staging.</param>
public readonly record struct BlendTimings(double BlendMicroseconds, double ReadBackMicroseconds, double HostMicroseconds, bool DeviceTimed,
                                           double ReadBackHostMicroseconds = 0)
{
    /// <summary>Blends into an image: from the native call's start until the first chunk was in the image (the whole image without landing).</summary>
    public double FirstLandedMicroseconds { get; init; }

    /// <summary>Blends into an image: from the native call's start until the last chunk was in the image.</summary>
    public double LandedMicroseconds { get; init; }

    /// <summary>Landing blends: time spent in the landed callback, all chunks together.</summary>
    public double CallbackMicroseconds { get; init; }

    /// <summary>Landing blends: chunks reported to the callback (0 without one).</summary>
    public int Chunks { get; init; }

    /// <summary>Landing blends: calls of the callback (fewer than <see cref="Chunks"/> when chunks landed during a call).</summary>
    public int Callbacks { get; init; }
}
