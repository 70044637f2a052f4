using System.Runtime.InteropServices;

namespace Crayon.Interop.Llama;

/// <summary>llama.h's chat templates: the model's own template string and llama.cpp's renderer of the known ones.</summary>
internal static partial class LlamaApi
{
    /// <summary>The model's "tokenizer.chat_template" (name null), or null when the GGUF has none. Owned by the model.</summary>
    [LibraryImport(NativeLibraryNames.Llama, StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr llama_model_chat_template(SafeLlamaModelHandle model, string? name);

    /// <summary>
    /// Renders <paramref name="count"/> messages with the template; returns the rendered length in bytes
    /// (larger than <paramref name="length"/>: call again with a buffer that size), or a negative
    /// number when the template is not one llama.cpp knows (it does not run Jinja).
    /// </summary>
    [LibraryImport(NativeLibraryNames.Llama)]
    public static unsafe partial int llama_chat_apply_template(byte* template, LlamaChatMessage* chat, nuint count,
        [MarshalAs(UnmanagedType.U1)] bool addAssistant, byte* buffer, int length);
}

/// <summary>llama_chat_message: two UTF-8 C strings the caller keeps alive for the call.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct LlamaChatMessage
{
    public byte* Role;
    public byte* Content;
}
