using System.Runtime.CompilerServices;
using Crayon.Interop.Blend;
using NUnit.Framework;

namespace Crayon.Tests.Blending;

/// <summary>The C# mirrors match the library's ABI: version and every struct size.</summary>
public class NativeAbiTests
{
    [Test]
    public void LibraryAbiVersionIsTheOneTheBindingsWereWrittenFor() =>
        Assert.That(NativeEngine.LibraryAbiVersion(), Is.EqualTo(BlendNative.AbiVersion));

    [Test]
    public void StructSizesMatchTheNativeHeader()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Unsafe.SizeOf<NativeDeviceInfo>(), Is.EqualTo(BlendNative.crayon_abi_struct_size(0)), "crayon_device_info");
            Assert.That(Unsafe.SizeOf<NativeEngineOptions>(), Is.EqualTo(BlendNative.crayon_abi_struct_size(1)), "crayon_engine_options");
            Assert.That(Unsafe.SizeOf<NativeTensorDesc>(), Is.EqualTo(BlendNative.crayon_abi_struct_size(2)), "crayon_tensor_desc");
            Assert.That(Unsafe.SizeOf<NativePoolDesc>(), Is.EqualTo(BlendNative.crayon_abi_struct_size(3)), "crayon_pool_desc");
            Assert.That(Unsafe.SizeOf<NativeBlendRequest>(), Is.EqualTo(BlendNative.crayon_abi_struct_size(4)), "crayon_blend_request");
            Assert.That(Unsafe.SizeOf<NativeBlendTimings>(), Is.EqualTo(BlendNative.crayon_abi_struct_size(5)), "crayon_blend_timings");
            Assert.That(Unsafe.SizeOf<NativeCopyMeasurement>(), Is.EqualTo(BlendNative.crayon_abi_struct_size(6)), "crayon_copy_measurement");
            Assert.That(Unsafe.SizeOf<NativeHostImage>(), Is.EqualTo(BlendNative.crayon_abi_struct_size(7)), "crayon_host_image");
            Assert.That(BlendNative.crayon_abi_struct_size(8), Is.Zero);
        });
    }
}
