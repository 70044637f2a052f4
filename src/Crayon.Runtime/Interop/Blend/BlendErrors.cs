using System.Runtime.InteropServices;

namespace Crayon.Interop.Blend;

/// <summary>Turns a failed native status into a <see cref="BlendEngineException"/> with the native message.</summary>
internal static class BlendErrors
{
    public static void Check(int status, string operation)
    {
        if (status == 0) return;
        // The last-error state is thread-local: read it right after the call, on the same thread.
        var message = Marshal.PtrToStringUTF8(BlendNative.crayon_last_error());
        var vulkanResult = BlendNative.crayon_last_vk_result();
        if (string.IsNullOrEmpty(message)) message = $"failed with status {status}";
        throw new BlendEngineException((BlendStatus)status, vulkanResult, $"{operation}: {message}");
    }
}
