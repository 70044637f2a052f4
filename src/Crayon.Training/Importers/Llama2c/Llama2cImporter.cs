using Crayon.Formats.Gguf;
using Crayon.Models;

namespace Crayon.Importers.Llama2c;

/// <param name="Name">general.name; defaults to the checkpoint's file name without extension.</param>
/// <param name="WriteOutputTensor">
/// Write output.weight even when the checkpoint shares its classifier with the token embedding (as a copy).
/// By default a shared classifier is left out and llama.cpp ties output to token_embd, as llama2.c does.
/// </param>
public sealed record Llama2cImportOptions(string? Name = null, bool WriteOutputTensor = false);

/// <summary>
/// Converts a llama2.c checkpoint and its tokenizer into a llama GGUF model that llama.cpp loads:
/// F32 weights copied unchanged (see <see cref="Llama2cCheckpoint"/> for why nothing is permuted), the
/// llama.* hyperparameters (RMS eps 1e-5, RoPE base 10000 over the whole head) and the SentencePiece vocabulary.
/// The weights stream from the checkpoint file to the output, so the model is never held in memory twice.
/// </summary>
public static class Llama2cImporter
{
    public static void Import(string checkpointPath, string tokenizerPath, string outputPath, Llama2cImportOptions? options = null)
    {
        var (checkpoint, h, vocabulary, name) = Prepare(checkpointPath, tokenizerPath, options);
        LlamaModelWriter.WriteFile(outputPath, h, vocabulary, name, GgmlType.F32, (spec, _, s) => checkpoint.CopyTo(spec, s));
    }

    /// <summary>The converted model as an in-memory GGUF image.</summary>
    public static byte[] ImportToBytes(string checkpointPath, string tokenizerPath, Llama2cImportOptions? options = null)
    {
        var (checkpoint, h, vocabulary, name) = Prepare(checkpointPath, tokenizerPath, options);
        using var image = new MemoryStream();
        LlamaModelWriter.Write(image, h, vocabulary, name, GgmlType.F32, (spec, _, s) => checkpoint.CopyTo(spec, s));
        return image.ToArray();
    }

    private static (Llama2cCheckpoint, LlamaHyperparameters, LlamaVocabulary, string) Prepare(string checkpointPath, string tokenizerPath, Llama2cImportOptions? options)
    {
        options ??= new Llama2cImportOptions();
        var checkpoint = Llama2cCheckpoint.Open(checkpointPath);
        var tokenizer = Llama2cTokenizer.Read(tokenizerPath, checkpoint.Config.VocabSize);
        var tied = checkpoint.Config.SharedClassifier && !options.WriteOutputTensor;
        var name = options.Name ?? Path.GetFileNameWithoutExtension(checkpointPath);
        return (checkpoint, checkpoint.Config.ToHyperparameters(tied), tokenizer.ToLlamaVocabulary(), name);
    }
}
