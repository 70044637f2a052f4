using System.Text.Json;
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
    /// <summary>The <see cref="LoraShape"/> the pool has, or null for a synthetic pool of a given size.</summary>
    public string? Shape { get; init; }

    /// <summary>Kernel tuning the blend and the copy ran with.</summary>
    public KernelTuning Tuning { get; init; } = KernelTuning.Default;

    public long BlendBytesMoved => PoolBytes + OutputBytes;
    public double BlendGigabytesPerSecond => BlendBytesMoved / (BlendBestMicroseconds * 1e3);
    public double CopyGigabytesPerSecond => 2.0 * CopyBytes / (CopyBestMicroseconds * 1e3);
    public double? TransferCopyGigabytesPerSecond => TransferCopyBestMicroseconds is { } t && t > 0 ? 2.0 * CopyBytes / (t * 1e3) : null;
    public double PercentOfCopy => 100.0 * BlendGigabytesPerSecond / CopyGigabytesPerSecond;

    /// <summary>What a result's pool is: its shape's name, or its size.</summary>
    public string PoolLabel => Shape ?? $"{PoolBytes / (double)(1 << 20):0} MiB";

    /// <summary>Writes this result as one JSON object (Utf8JsonWriter: no reflection, trim-safe).</summary>
    public void WriteJson(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("backend", Backend);
        json.WriteString("device", Device);
        if (Shape is not null) json.WriteString("shape", Shape);
        json.WriteString("storage", Storage);
        json.WriteString("mode", Mode);
        json.WriteNumber("adapters", Adapters);
        json.WriteNumber("pool_bytes", PoolBytes);
        json.WriteNumber("output_bytes", OutputBytes);
        json.WriteNumber("blend_bytes_moved", BlendBytesMoved);
        json.WriteNumber("blend_best_us", Math.Round(BlendBestMicroseconds, 2));
        json.WriteNumber("blend_median_us", Math.Round(BlendMedianMicroseconds, 2));
        json.WriteNumber("blend_gb_per_s", Math.Round(BlendGigabytesPerSecond, 3));
        json.WriteNumber("copy_bytes", CopyBytes);
        json.WriteNumber("copy_best_us", Math.Round(CopyBestMicroseconds, 2));
        json.WriteNumber("copy_gb_per_s", Math.Round(CopyGigabytesPerSecond, 3));
        if (TransferCopyGigabytesPerSecond is { } transfer) json.WriteNumber("transfer_copy_gb_per_s", Math.Round(transfer, 3));
        json.WriteNumber("percent_of_copy", Math.Round(PercentOfCopy, 1));
        json.WriteBoolean("device_timed", DeviceTimed);
        json.WriteStartObject("tuning");
        json.WriteNumber("workgroup_size", Tuning.WorkgroupSize);
        json.WriteNumber("loads_per_thread", Tuning.LoadsPerThread);
        json.WriteNumber("adapter_unroll", Tuning.AdapterUnroll);
        json.WriteNumber("max_workgroups", Tuning.MaxWorkgroups);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    internal static string StorageName(PoolStorage storage) => storage switch
    {
        PoolStorage.Float32 => "f32",
        PoolStorage.Float16 => "f16",
        _ => "bf16",
    };
}
