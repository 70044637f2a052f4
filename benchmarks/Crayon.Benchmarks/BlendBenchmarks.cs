using BenchmarkDotNet.Attributes;
using Crayon.Adapters;
using Crayon.Benchmarking;
using Crayon.Blending;

namespace Crayon.Benchmarks;

/// <summary>
/// The linear blend on the CPU path and on Vulkan (lavapipe on a machine without a GPU): the
/// kernel alone (result left in device memory) and with read-back into reused host arrays.
/// `crayon bench blend` gives the same figures as GB/s against the copy ceiling.
/// </summary>
[MemoryDiagnoser]
public class BlendBenchmarks
{
    private Blender blender = null!;
    private ResidentPool resident = null!;
    private LoraAdapter output = null!;
    private float[] weights = null!;

    [Params(BlendBackend.Cpu, BlendBackend.Vulkan)]
    public BlendBackend Backend { get; set; }

    [Params(8, 32)]
    public int Adapters { get; set; }

    [Params(16, 64)]
    public int PoolMiB { get; set; }

    [Params(PoolStorage.Float16)]
    public PoolStorage Storage { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        blender = Blender.Create(new BlenderOptions { Backend = Backend });
        var bytesPerElement = Storage == PoolStorage.Float32 ? 4 : 2;
        resident = blender.Upload(SyntheticPools.Create(Adapters, (long)PoolMiB << 20, bytesPerElement), Storage);
        weights = SyntheticPools.Weights(Adapters);
        output = resident.CreateOutput(BlendMode.Linear, Adapters);
    }

    [Benchmark(Description = "linear blend, result on device")]
    public BlendTimings BlendOnDevice() => resident.BlendOnDevice(weights, BlendMode.Linear);

    [Benchmark(Description = "linear blend + read-back")]
    public BlendTimings BlendAndReadBack() => resident.BlendInto(weights, BlendMode.Linear, topK: null, output);

    [GlobalCleanup]
    public void Cleanup()
    {
        resident.Dispose();
        blender.Dispose();
    }
}
