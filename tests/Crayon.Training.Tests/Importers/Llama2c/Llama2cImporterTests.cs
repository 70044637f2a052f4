using Crayon.Formats.Gguf;
using Crayon.Importers.Llama2c;
using Crayon.Models;
using NUnit.Framework;
using static Crayon.Tests.Importers.Llama2c.Stories260K;

namespace Crayon.Tests.Importers.Llama2c;

public class Llama2cImporterTests
{
    private static GgufFile? _imported;
    private static GgufFile Imported => _imported ??= GgufReader.Read(Llama2cImporter.ImportToBytes(Model, Tokenizer), "stories260K.gguf");

    [Test]
    public void CheckpointHeaderMatchesTheDataReadme()
    {
        var c = Llama2cCheckpoint.Open(Model).Config;
        Assert.That(c, Is.EqualTo(new Llama2cConfig(Dim, Hidden, Layers, Heads, KvHeads, Vocab, SeqLen, SharedClassifier: true)));
        Assert.That(c.HeadSize, Is.EqualTo(8));
        Assert.That(c.KvDim, Is.EqualTo(KvDim));
        Assert.That(c.ExpectedFileSize, Is.EqualTo(1_056_540));
    }

    [Test]
    public void HyperparametersAreTheKeysLlamaCppReads()
    {
        var m = Imported.Metadata;
        Assert.Multiple(() =>
        {
            Assert.That(m.GetString("general.architecture"), Is.EqualTo("llama"));
            Assert.That(m.GetString("general.name"), Is.EqualTo("stories260K"));
            Assert.That(m.GetUInt32("general.file_type"), Is.EqualTo(0u), "ALL_F32");
            Assert.That(m.GetUInt32("llama.context_length"), Is.EqualTo(512u));
            Assert.That(m.GetUInt32("llama.embedding_length"), Is.EqualTo(64u));
            Assert.That(m.GetUInt32("llama.block_count"), Is.EqualTo(5u));
            Assert.That(m.GetUInt32("llama.feed_forward_length"), Is.EqualTo(172u));
            Assert.That(m.GetUInt32("llama.rope.dimension_count"), Is.EqualTo(8u), "run.c rotates the whole head");
            Assert.That(m.GetUInt32("llama.attention.head_count"), Is.EqualTo(8u));
            Assert.That(m.GetUInt32("llama.attention.head_count_kv"), Is.EqualTo(4u));
            Assert.That(m.GetFloat32("llama.attention.layer_norm_rms_epsilon"), Is.EqualTo(1e-5f));
            Assert.That(m.GetFloat32("llama.rope.freq_base"), Is.EqualTo(10_000f));
            Assert.That(m.GetString("tokenizer.ggml.model"), Is.EqualTo("llama"));
            Assert.That(m.GetUInt32("tokenizer.ggml.bos_token_id"), Is.EqualTo(1u));
            Assert.That(m.GetUInt32("tokenizer.ggml.eos_token_id"), Is.EqualTo(2u));
            Assert.That(m.GetUInt32("tokenizer.ggml.unknown_token_id"), Is.EqualTo(0u));
            Assert.That(m.GetBool("tokenizer.ggml.add_space_prefix"), Is.True, "llama.cpp's counterpart of run.c's dummy \" \" prefix");
            Assert.That(m.GetBool("tokenizer.ggml.add_bos_token"), Is.True, "run.c's generate() encodes with BOS");
        });
        Assert.That(LlamaHyperparameters.ReadFrom(m), Is.EqualTo(Llama2cCheckpoint.Open(Model).Config.ToHyperparameters(tiedOutput: true)));
    }

    [Test]
    public void EveryTensorHasLlamaCppsNameShapeAndTheCheckpointsExactFloats()
    {
        var f = Imported;
        Assert.That(f.Tensors, Has.Count.EqualTo(1 + Layers * 9 + 1), "token_embd, 9 per block, output_norm; the shared classifier is tied");
        Assert.That(f.TryGetTensor("output.weight", out _), Is.False);
        Assert.That(f.Tensors.Select(t => t.Type), Is.All.EqualTo(GgmlType.F32));

        void Same(string name, long[] dims, string array, int layer)
        {
            var t = f[name];
            Assert.That(t.Dimensions, Is.EqualTo(dims), name);
            Assert.That(t.ToFloat32(), Is.EqualTo(Slice(array, layer, (int)dims.Aggregate(1L, (a, d) => a * d))), $"{name} values");
        }

        Same("token_embd.weight", [Dim, Vocab], "token_embedding_table", 0);
        Same("output_norm.weight", [Dim], "rms_final_weight", 0);
        for (var l = 0; l < Layers; l++)
        {
            Same($"blk.{l}.attn_norm.weight", [Dim], "rms_att_weight", l);
            Same($"blk.{l}.attn_q.weight", [Dim, Dim], "wq", l);
            Same($"blk.{l}.attn_k.weight", [Dim, KvDim], "wk", l);
            Same($"blk.{l}.attn_v.weight", [Dim, KvDim], "wv", l);
            Same($"blk.{l}.attn_output.weight", [Dim, Dim], "wo", l);
            Same($"blk.{l}.ffn_norm.weight", [Dim], "rms_ffn_weight", l);
            Same($"blk.{l}.ffn_gate.weight", [Dim, Hidden], "w1", l);
            Same($"blk.{l}.ffn_down.weight", [Hidden, Dim], "w2", l);
            Same($"blk.{l}.ffn_up.weight", [Dim, Hidden], "w3", l);
        }
    }

    [Test]
    public void AllFiveHundredTwelvePiecesRoundTripThroughTheGgufVocabulary()
    {
        var tokenizer = Llama2cTokenizer.Read(Tokenizer, Vocab);
        var tokens = Imported.Metadata[GgufKeys.Tokens];
        var scores = Imported.Metadata[GgufKeys.Scores].AsArray<float>();
        var types = Imported.Metadata[GgufKeys.TokenType].AsArray<int>();
        Assert.That(tokens.Count, Is.EqualTo(Vocab));
        Assert.That(tokens.AsStringArray()[..3], Is.EqualTo(new[] { "<unk>", "<s>", "</s>" }));
        Assert.That(types[..3].ToArray(), Is.EqualTo(new[] { 2, 3, 3 }), "unknown, control, control");
        for (var i = 0; i < Vocab; i++)
        {
            Assert.That(BitConverter.SingleToInt32Bits(scores[i]), Is.EqualTo(BitConverter.SingleToInt32Bits(tokenizer.Scores[i])), $"score {i} (bit-exact, -0.0 included)");
            if (i < 3) continue;
            var text = tokens.StringArrayItemUtf8(i);
            Assert.That(Llama2cTokenizer.PieceFromGgufToken(text), Is.EqualTo(tokenizer.Pieces[i]), $"piece {i}");
            Assert.That(text.IndexOf((byte)' '), Is.EqualTo(-1), $"token {i} has a raw space; llama.cpp wants ▁");
            Assert.That(types[i], Is.EqualTo(i <= 258 ? 6 : 1), $"token type {i}");
        }
        Assert.That(tokens.AsStringArray()[3 + 0x0A], Is.EqualTo("<0x0A>"), "llama.cpp finds the newline byte token by this text");
        Assert.That(tokens.AsStringArray()[259], Is.EqualTo("▁t"));
    }

    [Test]
    public void ImportingToAFileWritesTheSameBytesAsTheImage()
    {
        var path = Path.Combine(Path.GetTempPath(), $"crayon-stories-{Guid.NewGuid():N}.gguf");
        try
        {
            Llama2cImporter.Import(Model, Tokenizer, path, new Llama2cImportOptions(Name: "stories260K"));
            Assert.That(File.ReadAllBytes(path), Is.EqualTo(Llama2cImporter.ImportToBytes(Model, Tokenizer)));
        }
        finally { File.Delete(path); }
    }

    [Test]
    public void AnUntiedOutputCopiesTheEmbeddingWhenAsked()
    {
        var f = GgufReader.Read(Llama2cImporter.ImportToBytes(Model, Tokenizer, new Llama2cImportOptions(WriteOutputTensor: true)));
        Assert.That(f["output.weight"].Dimensions, Is.EqualTo(new long[] { Dim, Vocab }));
        Assert.That(f["output.weight"].Data.ToArray(), Is.EqualTo(f["token_embd.weight"].Data.ToArray()));
    }
}
