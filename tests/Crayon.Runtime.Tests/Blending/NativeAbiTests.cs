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
            Assert.That(Unsafe.SizeOf<NativeImageChunk>(), Is.EqualTo(BlendNative.crayon_abi_struct_size(8)), "crayon_image_chunk");
            Assert.That(BlendNative.crayon_abi_struct_size(9), Is.Zero);
        });
    }

    /// <summary>
    /// A caller built against ABI 2 passes the version-2 sizes of crayon_host_image and crayon_blend_timings: the blend works,
    /// and the library reads and writes nothing past those sizes.
    /// </summary>
    [Test]
    public unsafe void AVersion2CallerStillBlendsIntoAnImage()
    {
        var options = new NativeEngineOptions { StructSize = (uint)sizeof(NativeEngineOptions), Backend = 2, DeviceIndex = -1 };
        Assert.That(BlendNative.crayon_engine_create(in options, out var engine), Is.Zero);
        using var _ = engine;
        NativeTensorDesc[] tensors = [new() { Rows = 2, Cols = 3, Role = 0 }, new() { Rows = 3, Cols = 2, Role = 1 }];
        float[] values = [1, 2, 3, 4, 5, 6];
        PoolHandle pool;
        fixed (NativeTensorDesc* descriptions = tensors)
        {
            var desc = new NativePoolDesc { StructSize = (uint)sizeof(NativePoolDesc), AdapterCount = 1, TensorCount = 2, Storage = 0, Tensors = descriptions };
            Assert.That(BlendNative.crayon_pool_create(engine, in desc, out pool), Is.Zero);
        }
        using var __ = pool;
        fixed (float* data = values)
        {
            var pointers = stackalloc float*[] { data, data };
            Assert.That(BlendNative.crayon_pool_upload(pool, 0, 0, 2, pointers), Is.Zero);
        }

        var image = new Half[12];
        ulong[] offsets = [0, 12];
        float weight = 2;
        var timings = new NativeBlendTimings { StructSize = NativeBlendTimings.Version2Size, FirstLandedNs = 77, ChunkCount = 77 };
        int status;
        fixed (Half* imageBase = image)
        fixed (ulong* offsetBase = offsets)
        {
            var request = new NativeBlendRequest { StructSize = (uint)sizeof(NativeBlendRequest), Mode = 0, Weights = &weight, WeightCount = 1 };
            // A version-2 image: whatever lies past its size (here a callback that would crash) is never read.
            var target = new NativeHostImage
            {
                StructSize = NativeHostImage.Version2Size, Storage = 1, Base = imageBase, Bytes = 24, TensorOffsets = offsetBase,
                Landed = (delegate* unmanaged<void*, NativeImageChunk*, int>)1, ChunkBytes = 1,
            };
            status = BlendNative.crayon_blend_to_image(pool, in request, in target, ref timings);
        }
        Assert.That(status, Is.Zero, () => System.Runtime.InteropServices.Marshal.PtrToStringUTF8(BlendNative.crayon_last_error()) ?? "");
        Assert.That(image.Select(h => (float)h), Is.EqualTo(values.Concat(values).Select(v => 2 * v)));
        Assert.That(timings.StructSize, Is.EqualTo(NativeBlendTimings.Version2Size));
        Assert.That(timings.TotalHostNs, Is.GreaterThan(0));
        Assert.That((timings.FirstLandedNs, timings.ChunkCount), Is.EqualTo((77UL, 77U)), "nothing written past the version-2 size");
    }
}
