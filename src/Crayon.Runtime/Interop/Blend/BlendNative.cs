using System.Runtime.InteropServices;

namespace Crayon.Interop.Blend;

/// <summary>The C ABI of libcrayon_blend.so (native/include/crayon_blend.h), one entry per function.</summary>
internal static unsafe partial class BlendNative
{
    /// <summary>The ABI version these declarations were written against.</summary>
    public const uint AbiVersion = 4;

    static BlendNative() => BlendLibrary.Register();

    [LibraryImport(BlendLibrary.Name)]
    public static partial uint crayon_abi_version();

    [LibraryImport(BlendLibrary.Name)]
    public static partial uint crayon_abi_struct_size(uint which);

    [LibraryImport(BlendLibrary.Name)]
    public static partial IntPtr crayon_last_error();

    [LibraryImport(BlendLibrary.Name)]
    public static partial int crayon_last_vk_result();

    [LibraryImport(BlendLibrary.Name)]
    public static partial int crayon_devices_list(NativeDeviceInfo* infos, uint capacity, out uint count);

    [LibraryImport(BlendLibrary.Name)]
    public static partial int crayon_devices_select(in NativeEngineOptions options, out uint backend, out uint index);

    [LibraryImport(BlendLibrary.Name)]
    public static partial int crayon_engine_create(in NativeEngineOptions options, out EngineHandle engine);

    [LibraryImport(BlendLibrary.Name)]
    public static partial void crayon_engine_destroy(IntPtr engine);

    [LibraryImport(BlendLibrary.Name)]
    public static partial int crayon_engine_get_info(EngineHandle engine, ref NativeDeviceInfo info);

    [LibraryImport(BlendLibrary.Name)]
    public static partial int crayon_engine_measure_copy(EngineHandle engine, ulong bytes, uint repetitions, ref NativeCopyMeasurement result);

    [LibraryImport(BlendLibrary.Name)]
    public static partial int crayon_engine_retune(EngineHandle engine, in NativeEngineOptions options);

    [LibraryImport(BlendLibrary.Name)]
    public static partial int crayon_pool_create(EngineHandle engine, in NativePoolDesc desc, out PoolHandle pool);

    [LibraryImport(BlendLibrary.Name)]
    public static partial void crayon_pool_destroy(IntPtr pool);

    [LibraryImport(BlendLibrary.Name)]
    public static partial int crayon_pool_upload(PoolHandle pool, uint adapter, uint firstTensor, uint tensorCount, float** data);

    [LibraryImport(BlendLibrary.Name)]
    public static partial int crayon_pool_read_tensor(PoolHandle pool, uint adapter, uint tensor, float* output, ulong outputCount);

    [LibraryImport(BlendLibrary.Name)]
    public static partial int crayon_pool_output_elements(PoolHandle pool, uint mode, uint selectionCount, uint tensor, out ulong elements);

    [LibraryImport(BlendLibrary.Name)]
    public static partial int crayon_blend(PoolHandle pool, in NativeBlendRequest request, float** outputs, ulong* outputCounts,
                                           ref NativeBlendTimings timings);

    [LibraryImport(BlendLibrary.Name)]
    public static partial int crayon_blend_to_image(PoolHandle pool, in NativeBlendRequest request, in NativeHostImage image,
                                                    ref NativeBlendTimings timings);

    [LibraryImport(BlendLibrary.Name)]
    public static partial int crayon_testing_simulate_device_lost(EngineHandle engine);

    [LibraryImport(BlendLibrary.Name)]
    public static partial int crayon_testing_poison_output(PoolHandle pool, float value);
}
