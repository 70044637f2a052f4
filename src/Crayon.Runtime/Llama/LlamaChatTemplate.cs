using System.Runtime.InteropServices;
using System.Text;
using Crayon.Interop.Llama;

namespace Crayon.Llama;

/// <summary>One message of a conversation as a chat template reads it (role: system, user, assistant, ...).</summary>
public sealed record ChatTurn(string Role, string Content);

/// <summary>
/// A model's own chat template (the GGUF's "tokenizer.chat_template"), rendered by llama.cpp's
/// <c>llama_chat_apply_template</c>. llama.cpp does not run Jinja: it recognises the common template
/// families (ChatML, Llama 2/3, Gemma, Mistral, Phi, ...) by their text, so a template it does not
/// know is reported by <see cref="IsSupported"/> rather than rendered wrongly. The rendered text holds
/// the template's special tokens as text: tokenize it with special-token parsing on.
/// </summary>
public sealed class LlamaChatTemplate
{
    private readonly byte[] _template; // NUL-terminated UTF-8

    private LlamaChatTemplate(string template)
    {
        Template = template;
        _template = Utf8Z(template);
        IsSupported = RenderCore([new ChatTurn("user", "x")], addAssistant: true) is not null;
    }

    /// <summary>The template text as the GGUF holds it.</summary>
    public string Template { get; }

    /// <summary>Whether llama.cpp recognises the template and can render it.</summary>
    public bool IsSupported { get; }

    /// <summary>The model's template, or null when its GGUF has none.</summary>
    public static LlamaChatTemplate? Of(LlamaModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var pointer = LlamaApi.llama_model_chat_template(model.Handle, null);
        if (pointer == IntPtr.Zero) return null;
        var text = Marshal.PtrToStringUTF8(pointer);
        return string.IsNullOrEmpty(text) ? null : new LlamaChatTemplate(text);
    }

    /// <summary>A template given as text (e.g. one the operator chose), for models whose GGUF lacks one.</summary>
    public static LlamaChatTemplate FromText(string template)
    {
        ArgumentException.ThrowIfNullOrEmpty(template);
        return new LlamaChatTemplate(template);
    }

    /// <summary>
    /// The conversation as the model expects it; with <paramref name="addAssistant"/> it ends where
    /// the assistant's answer begins.
    /// </summary>
    /// <exception cref="NotSupportedException">llama.cpp does not know this template (see <see cref="IsSupported"/>).</exception>
    public string Render(IReadOnlyList<ChatTurn> messages, bool addAssistant = true)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0) throw new ArgumentException("a conversation needs at least one message", nameof(messages));
        return RenderCore(messages, addAssistant)
            ?? throw new NotSupportedException("llama.cpp does not recognise this model's chat template (llama_chat_apply_template supports a fixed list of template families)");
    }

    private unsafe string? RenderCore(IReadOnlyList<ChatTurn> messages, bool addAssistant)
    {
        var texts = new byte[messages.Count * 2][];
        var total = 0;
        for (var i = 0; i < messages.Count; i++)
        {
            texts[2 * i] = Utf8Z(messages[i].Role);
            texts[2 * i + 1] = Utf8Z(messages[i].Content);
            total += texts[2 * i].Length + texts[2 * i + 1].Length;
        }
        var handles = texts.Select(t => GCHandle.Alloc(t, GCHandleType.Pinned)).ToArray();
        try
        {
            var chat = new LlamaChatMessage[messages.Count];
            for (var i = 0; i < messages.Count; i++)
            {
                chat[i].Role = (byte*)handles[2 * i].AddrOfPinnedObject();
                chat[i].Content = (byte*)handles[2 * i + 1].AddrOfPinnedObject();
            }
            var buffer = new byte[Math.Max(256, 2 * total + 256)];
            fixed (byte* template = _template)
            fixed (LlamaChatMessage* c = chat)
            {
                for (var attempt = 0; attempt < 2; attempt++)
                {
                    int length;
                    fixed (byte* b = buffer) length = LlamaApi.llama_chat_apply_template(template, c, (nuint)chat.Length, addAssistant, b, buffer.Length);
                    if (length < 0) return null;
                    if (length <= buffer.Length) return Encoding.UTF8.GetString(buffer, 0, length);
                    buffer = new byte[length];
                }
            }
            throw new LlamaNativeException("llama_chat_apply_template asked for a larger buffer twice");
        }
        finally
        {
            foreach (var handle in handles) handle.Free();
        }
    }

    private static byte[] Utf8Z(string text)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }
}
