using System.Runtime.InteropServices;

namespace Crayon.Interop.Llama;

/// <summary>A vocabulary pointer is owned by its model: callers keep the model handle alive.</summary>
internal static partial class LlamaApi
{
    [LibraryImport(NativeLibraryNames.Llama)]
    public static partial int llama_vocab_type(IntPtr vocab);

    [LibraryImport(NativeLibraryNames.Llama)]
    public static partial int llama_vocab_n_tokens(IntPtr vocab);

    [LibraryImport(NativeLibraryNames.Llama)]
    public static partial int llama_vocab_bos(IntPtr vocab);

    [LibraryImport(NativeLibraryNames.Llama)]
    public static partial int llama_vocab_eos(IntPtr vocab);

    [LibraryImport(NativeLibraryNames.Llama)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool llama_vocab_get_add_bos(IntPtr vocab);

    [LibraryImport(NativeLibraryNames.Llama)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool llama_vocab_is_eog(IntPtr vocab, int token);

    [LibraryImport(NativeLibraryNames.Llama)]
    public static unsafe partial int llama_tokenize(IntPtr vocab, byte* text, int textLength, int* tokens, int maxTokens,
        [MarshalAs(UnmanagedType.U1)] bool addSpecial, [MarshalAs(UnmanagedType.U1)] bool parseSpecial);

    [LibraryImport(NativeLibraryNames.Llama)]
    public static unsafe partial int llama_token_to_piece(IntPtr vocab, int token, byte* buffer, int length, int lstrip,
        [MarshalAs(UnmanagedType.U1)] bool special);

    [LibraryImport(NativeLibraryNames.Llama)]
    public static unsafe partial int llama_detokenize(IntPtr vocab, int* tokens, int count, byte* text, int maxLength,
        [MarshalAs(UnmanagedType.U1)] bool removeSpecial, [MarshalAs(UnmanagedType.U1)] bool unparseSpecial);
}
