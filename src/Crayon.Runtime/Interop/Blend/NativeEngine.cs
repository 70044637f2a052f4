using System.Runtime.InteropServices;
using System.Text;
using Crayon.Blending;

namespace Crayon.Interop.Blend;

/// <summary>A native blend engine: device discovery, engine creation and the engine-level calls.</summary>
internal sealed unsafe class NativeEngine : IDisposable
{
    private readonly EngineHandle handle;

    private NativeEngine(EngineHandle handle, NativeDeviceInfo info)
    {
        this.handle = handle;
        Info = info;
    }

    public NativeDeviceInfo Info { get; }

    public static uint LibraryAbiVersion() => BlendNative.crayon_abi_version();

    public static NativeDeviceInfo[] ListDevices()
    {
        BlendErrors.Check(BlendNative.crayon_devices_list(null, 0, out var count), "listing Vulkan devices");
        var infos = new NativeDeviceInfo[count];
        for (var i = 0; i < infos.Length; i++) infos[i] = NativeDeviceInfo.Empty();
        fixed (NativeDeviceInfo* first = infos)
            BlendErrors.Check(BlendNative.crayon_devices_list(first, count, out count), "listing Vulkan devices");
        return infos.Length == count ? infos : infos[..(int)Math.Min(count, (uint)infos.Length)];
    }

    /// <summary>The backend and Vulkan device index an engine with these options would get.</summary>
    public static (uint Backend, uint Index) Select(BlenderOptions options)
    {
        uint backend = 0, index = 0;
        WithNativeOptions(options, (in NativeEngineOptions native) =>
            BlendErrors.Check(BlendNative.crayon_devices_select(in native, out backend, out index), "selecting a blend device"));
        return (backend, index);
    }

    public static NativeEngine Create(BlenderOptions options)
    {
        EngineHandle? created = null;
        WithNativeOptions(options, (in NativeEngineOptions native) =>
        {
            var status = BlendNative.crayon_engine_create(in native, out created);
            if (status != 0) created.Dispose();
            BlendErrors.Check(status, "creating the blend engine");
        });
        var info = NativeDeviceInfo.Empty();
        try
        {
            BlendErrors.Check(BlendNative.crayon_engine_get_info(created!, ref info), "reading the engine's device");
        }
        catch
        {
            created!.Dispose();
            throw;
        }
        return new NativeEngine(created!, info);
    }

    public NativeCopyMeasurement MeasureCopy(ulong bytes, uint repetitions)
    {
        var result = new NativeCopyMeasurement { StructSize = (uint)sizeof(NativeCopyMeasurement) };
        BlendErrors.Check(BlendNative.crayon_engine_measure_copy(handle, bytes, repetitions, ref result), "measuring copy bandwidth");
        return result;
    }

    /// <summary>New kernel tuning for this engine; pools stay resident, pipelines are rebuilt on next use.</summary>
    public void Retune(KernelTuning tuning) =>
        WithNativeOptions(new BlenderOptions { Tuning = tuning }, (in NativeEngineOptions native) =>
            BlendErrors.Check(BlendNative.crayon_engine_retune(handle, in native), "retuning the blend kernels"));

    public NativePool CreatePool(int adapterCount, ReadOnlySpan<NativeTensorDesc> tensors, PoolStorage storage)
    {
        fixed (NativeTensorDesc* descriptions = tensors)
        {
            var desc = new NativePoolDesc
            {
                StructSize = (uint)sizeof(NativePoolDesc),
                AdapterCount = (uint)adapterCount,
                TensorCount = (uint)tensors.Length,
                Storage = (uint)storage,
                Tensors = descriptions,
            };
            var status = BlendNative.crayon_pool_create(handle, in desc, out var pool);
            if (status != 0) pool.Dispose();
            BlendErrors.Check(status, "creating the adapter pool");
            return new NativePool(pool, adapterCount, tensors.Length);
        }
    }

    /// <summary>Testing hook: behave as if the device had been lost.</summary>
    public void SimulateDeviceLost() =>
        BlendErrors.Check(BlendNative.crayon_testing_simulate_device_lost(handle), "simulating a lost device");

    public void Dispose() => handle.Dispose();

    private delegate void OptionsAction(in NativeEngineOptions options);

    private static void WithNativeOptions(BlenderOptions options, OptionsAction action)
    {
        var name = options.DeviceName is null ? null : Encoding.UTF8.GetBytes(options.DeviceName + "\0");
        fixed (byte* namePointer = name)
        {
            var native = new NativeEngineOptions
            {
                StructSize = (uint)sizeof(NativeEngineOptions),
                Backend = (uint)options.Backend,
                DeviceIndex = options.DeviceIndex ?? -1,
                CpuThreads = (uint)options.CpuThreads,
                DeviceName = namePointer,
                WorkgroupSize = (uint)options.Tuning.WorkgroupSize,
                LoadsPerThread = (uint)options.Tuning.LoadsPerThread,
                AdapterUnroll = (uint)options.Tuning.AdapterUnroll,
                MaxWorkgroups = (uint)options.Tuning.MaxWorkgroups,
            };
            action(in native);
        }
    }
}
