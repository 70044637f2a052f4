using Microsoft.Extensions.Logging;

namespace Crayon.Llama;

/// <summary>Process-wide llama.cpp settings, applied once by <see cref="LlamaRuntime.Initialize"/>.</summary>
public sealed record LlamaRuntimeOptions
{
    /// <summary>
    /// Folder of the llama.cpp build to load (libllama*.so, libggml*.so, libggml-base.so and the
    /// backend modules). Null: $CRAYON_LLAMA_LIB_DIR, then the pinned build fetched by setup.
    /// </summary>
    public string? LibraryDirectory { get; init; }

    /// <summary>
    /// Sets GGML_VK_VISIBLE_DEVICES before the Vulkan backend loads (e.g. "0"). ggml-vulkan skips
    /// CPU-type Vulkan devices such as Mesa's lavapipe unless they are listed here. Null: leave as is.
    /// </summary>
    public string? VulkanVisibleDevices { get; init; }

    /// <summary>Receives llama.cpp's and ggml's log. Null: discarded.</summary>
    public ILogger? Logger { get; init; }
}
