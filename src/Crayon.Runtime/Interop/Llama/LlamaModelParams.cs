using System.Runtime.InteropServices;

namespace Crayon.Interop.Llama;

#pragma warning disable IDE1006 // field names are llama.h's, matched by name in the layout test
/// <summary>llama.h: struct llama_model_params. C bools are bytes.</summary>
[NativeStruct("llama_model_params")]
[StructLayout(LayoutKind.Sequential)]
internal struct LlamaModelParams
{
    public IntPtr devices;
    public IntPtr tensor_buft_overrides;
    public int n_gpu_layers;
    public int split_mode;
    public int load_mode;
    public int lazy_mode;
    public int main_gpu;
    public IntPtr tensor_split;
    public IntPtr progress_callback;
    public IntPtr progress_callback_user_data;
    public IntPtr kv_overrides;
    public byte vocab_only;
    public byte check_tensors;
    public byte use_extra_bufts;
    public byte no_host;
    public byte no_alloc;
    public byte load_mtp;

    public const int LoadModeNone = 0;
}
