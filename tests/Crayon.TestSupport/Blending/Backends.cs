using Crayon.Blending;
using Crayon.Tests.Support;
using NUnit.Framework;

namespace Crayon.Tests.Blending;

/// <summary>
/// One shared blender per backend for the whole run (engine and pipeline creation on lavapipe
/// is the slow part). Vulkan tests never skip in CI: no Vulkan device there is a failure.
/// </summary>
[SetUpFixture]
public sealed class Backends
{
    private static readonly Dictionary<BlendBackend, Blender> Shared = [];

    public static Blender Get(BlendBackend backend)
    {
        lock (Shared)
        {
            if (Shared.TryGetValue(backend, out var blender)) return blender;
            if (backend == BlendBackend.Vulkan) RequireVulkan();
            blender = Blender.Create(new BlenderOptions { Backend = backend });
            Shared[backend] = blender;
            return blender;
        }
    }

    /// <summary>Fails (CI) or skips (elsewhere) when this machine has no usable Vulkan device.</summary>
    public static void RequireVulkan()
    {
        if (BlendDevices.List().Any(d => d.Usable)) return;
        const string message = "no usable Vulkan device (install mesa-vulkan-drivers for lavapipe)";
        if (TestData.InCi) Assert.Fail(message);
        Assert.Ignore(message);
    }

    [OneTimeTearDown]
    public void DisposeShared()
    {
        lock (Shared)
        {
            foreach (var blender in Shared.Values) blender.Dispose();
            Shared.Clear();
        }
    }
}
