using System.Runtime.InteropServices;

namespace Crayon.Interop.Llama;

#pragma warning disable IDE1006 // field names are llama.h's, matched by name in the layout test
/// <summary>llama.h: struct llama_batch (arrays owned by whoever filled them; see <see cref="NativeBatch"/>).</summary>
[NativeStruct("llama_batch")]
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct LlamaBatch
{
    public int n_tokens;
    public int* token;
    public float* embd;
    public int* pos;
    public int* n_seq_id;
    public int** seq_id;
    public sbyte* logits;
}
