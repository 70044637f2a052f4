using System.Runtime.InteropServices;
using Crayon.Interop.Llama;
using Microsoft.Extensions.Logging.Abstractions;

namespace Crayon.Llama;

/// <summary>
/// The process-wide llama.cpp: loads the libraries once, routes the log, loads the ggml backends
/// from the library folder (ggml_backend_load_all_from_path) and lists the devices they offer.
/// </summary>
public static class LlamaRuntime
{
    private static readonly Lock Gate = new();
    private static LlamaRuntimeInfo? _info;

    /// <summary>
    /// Initializes llama.cpp (idempotent). Options apply on the first call; a later call may only
    /// replace the logger, and fails when it names another library folder.
    /// </summary>
    public static LlamaRuntimeInfo Initialize(LlamaRuntimeOptions? options = null)
    {
        options ??= new LlamaRuntimeOptions();
        lock (Gate)
        {
            if (_info is not null)
            {
                if (options.LibraryDirectory is not null) LlamaLibraryLoader.EnsureLoaded(options.LibraryDirectory);
                if (options.Logger is not null) LlamaLogBridge.SetLogger(options.Logger);
                return _info;
            }
            var files = LlamaLibraryLoader.EnsureLoaded(options.LibraryDirectory);
            if (options.VulkanVisibleDevices is not null)
                LibC.setenv("GGML_VK_VISIBLE_DEVICES", options.VulkanVisibleDevices, overwrite: 1);
            LlamaLogBridge.Install(options.Logger ?? NullLogger.Instance);
            GgmlApi.ggml_backend_load_all_from_path(files.Directory);
            LlamaApi.llama_backend_init();
            _info = new LlamaRuntimeInfo(files.Directory, ListDevices(), Marshal.PtrToStringUTF8(LlamaApi.llama_print_system_info()) ?? "");
            return _info;
        }
    }

    /// <summary>Initializes with default options when nothing did before.</summary>
    internal static LlamaRuntimeInfo EnsureInitialized() => _info ?? Initialize();

    private static IReadOnlyList<LlamaDevice> ListDevices()
    {
        var devices = new List<LlamaDevice>();
        var count = GgmlApi.ggml_backend_dev_count();
        for (nuint i = 0; i < count; i++)
        {
            var device = GgmlApi.ggml_backend_dev_get(i);
            var registry = GgmlApi.ggml_backend_dev_backend_reg(device);
            devices.Add(new LlamaDevice(
                Marshal.PtrToStringUTF8(GgmlApi.ggml_backend_dev_name(device)) ?? "",
                Marshal.PtrToStringUTF8(GgmlApi.ggml_backend_dev_description(device)) ?? "",
                Marshal.PtrToStringUTF8(GgmlApi.ggml_backend_reg_name(registry)) ?? "",
                GgmlApi.ggml_backend_dev_type(device) switch
                {
                    GgmlConstants.DeviceTypeCpu => LlamaDeviceKind.Cpu,
                    GgmlConstants.DeviceTypeGpu => LlamaDeviceKind.Gpu,
                    GgmlConstants.DeviceTypeIGpu => LlamaDeviceKind.IntegratedGpu,
                    3 => LlamaDeviceKind.Accelerator,
                    _ => LlamaDeviceKind.Other,
                }) { Handle = device });
        }
        return devices;
    }
}

/// <summary>What <see cref="LlamaRuntime.Initialize"/> loaded.</summary>
public sealed record LlamaRuntimeInfo(string LibraryDirectory, IReadOnlyList<LlamaDevice> Devices, string SystemInfo)
{
    /// <summary>The device a model with <paramref name="backend"/> offloads to; null means the CPU.</summary>
    public LlamaDevice? SelectDevice(LlamaBackend backend) => backend switch
    {
        LlamaBackend.Cpu => null,
        LlamaBackend.Vulkan => Devices.FirstOrDefault(d => d.Backend == "Vulkan")
            ?? throw new LlamaBackendUnavailableException(
                $"no Vulkan device is available to llama.cpp (devices: {Describe()}). On a machine without a GPU, Mesa's lavapipe " +
                "is used only when GGML_VK_VISIBLE_DEVICES=0 is set; or choose the CPU backend"),
        _ => Devices.FirstOrDefault(d => d.Backend == "Vulkan") ?? Devices.FirstOrDefault(d => d.IsGpu),
    };

    private string Describe() => Devices.Count == 0 ? "none" : string.Join(", ", Devices.Select(d => d.ToString()));
}

/// <summary>The requested backend has no device in this process.</summary>
public sealed class LlamaBackendUnavailableException(string message) : Exception(message);
