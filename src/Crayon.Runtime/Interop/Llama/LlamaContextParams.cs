using System.Runtime.InteropServices;

namespace Crayon.Interop.Llama;

#pragma warning disable IDE1006 // field names are llama.h's, matched by name in the layout test
/// <summary>llama.h: struct llama_context_params. C bools are bytes.</summary>
[NativeStruct("llama_context_params")]
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct LlamaContextParams
{
    public uint n_ctx;
    public uint n_batch;
    public uint n_ubatch;
    public uint n_seq_max;
    public uint n_rs_seq;
    public uint n_outputs_max;
    public uint n_outputs_max_per_seq;
    public int n_threads;
    public int n_threads_batch;
    public int ctx_type;
    public int rope_scaling_type;
    public int pooling_type;
    public int attention_type;
    public int flash_attn_type;
    public float rope_freq_base;
    public float rope_freq_scale;
    public float yarn_ext_factor;
    public float yarn_attn_factor;
    public float yarn_beta_fast;
    public float yarn_beta_slow;
    public uint yarn_orig_ctx;
    public float defrag_thold;
    public delegate* unmanaged<IntPtr, byte, IntPtr, byte> cb_eval;
    public IntPtr cb_eval_user_data;
    public int type_k;
    public int type_v;
    public IntPtr abort_callback;
    public IntPtr abort_callback_data;
    public byte embeddings;
    public byte offload_kqv;
    public byte no_perf;
    public byte op_offload;
    public byte swa_full;
    public byte kv_unified;
    public IntPtr samplers;
    public nuint n_samplers;
    public IntPtr ctx_other;

    public const int PoolingNone = 0;
}
