using Crayon.Formats.Gguf;
using Crayon.Llama;
using Crayon.Server.Completions;
using Crayon.Tests.Llama;
using NUnit.Framework;

namespace Crayon.Tests.Server;

/// <summary>
/// Chat goes through the model's own chat template (llama_chat_apply_template) when its GGUF has one,
/// and through the plain transcript when it has none.
/// </summary>
public class ChatTemplateTests
{
    private const string ChatMl = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    /// <summary>stories260K with a ChatML template added to its metadata.</summary>
    private static byte[] WithTemplate(string template)
    {
        var file = GgufReader.Read(ServedStories.Image);
        var metadata = file.Metadata.Clone();
        metadata.Set("tokenizer.chat_template", GgufValue.Str(template));
        return GgufWriter.ToBytes(new GgufFile(metadata, file.Tensors));
    }

    [Test]
    public void TheModelsTemplateRendersTheConversation()
    {
        LlamaTestRuntime.Ensure();
        using var model = LlamaModel.Load(WithTemplate(ChatMl), "chatml", LlamaTestRuntime.Cpu);
        var template = LlamaChatTemplate.Of(model);
        Assert.That(template, Is.Not.Null);
        Assert.That(template!.IsSupported, Is.True);
        var rendered = ChatPrompt.Render([new ChatMessage("developer", "Be brief."), new ChatMessage("user", "Hi")], template);
        Assert.That(rendered.Text, Is.EqualTo("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"));
        Assert.That(rendered.ParseSpecial, Is.True);

        using var plain = ServedStories.LoadLocal();
        Assert.That(LlamaChatTemplate.Of(plain), Is.Null, "stories260K has no template: chat keeps the transcript");
        Assert.That(ChatPrompt.Render([new ChatMessage("user", "Hi")], null).Text, Is.EqualTo("User: Hi\nAssistant:"));
    }

    [Test]
    public void AnUnknownTemplateIsReportedNotRenderedWrongly()
    {
        LlamaTestRuntime.Ensure();
        using var model = LlamaModel.Load(WithTemplate("{{ something llama.cpp has never seen }}"), "odd", LlamaTestRuntime.Cpu);
        var template = LlamaChatTemplate.Of(model);
        Assert.That(template, Is.Not.Null);
        Assert.That(template!.IsSupported, Is.False);
        Assert.Throws<NotSupportedException>(() => template.Render([new ChatTurn("user", "Hi")]));
    }

    [Test]
    public async Task TheServerPromptsWithTheTemplate()
    {
        var image = WithTemplate(ChatMl);
        await using var server = await ServedStories.StartAsync(ServedStories.Options() with { ModelImage = image });
        using var http = ServedStories.Client(server);
        var (status, body) = await ServedStories.PostAsync(http, "v1/chat/completions", """{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}],"max_tokens":3,"temperature":0}""");
        Assert.That(status, Is.EqualTo(200), body.ToString());
        using var local = LlamaModel.Load(image, "chatml", LlamaTestRuntime.Cpu);
        var expected = local.Tokenizer.Tokenize("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", addSpecial: true, parseSpecial: true).Length;
        var transcript = local.Tokenizer.Tokenize(ChatPrompt.Transcript([new ChatMessage("system", "Be brief."), new ChatMessage("user", "Hi")])).Length;
        Assert.That(expected, Is.Not.EqualTo(transcript), "the two layouts differ in length, so the count tells which was used");
        Assert.That(body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32(), Is.EqualTo(expected));
    }
}
