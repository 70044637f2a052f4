using Crayon.Blending;
using NUnit.Framework;

namespace Crayon.Tests.Blending;

/// <summary>The reference-test matrix: both backends × the given storages (with their tolerances) × N in {1, 2, 7, 32}.</summary>
internal static class BlendCases
{
    public static IEnumerable<TestCaseData> For(params (PoolStorage Storage, double Tolerance)[] storages)
    {
        foreach (var backend in new[] { BlendBackend.Vulkan, BlendBackend.Cpu })
            foreach (var (storage, tolerance) in storages)
                foreach (var n in new[] { 1, 2, 7, 32 })
                    yield return new TestCaseData(backend, storage, n, tolerance).SetArgDisplayNames(backend.ToString(), storage.ToString(), $"N={n}");
    }
}
