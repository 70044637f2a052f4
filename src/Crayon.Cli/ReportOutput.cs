using System.CommandLine;
using System.Text.Json.Nodes;

namespace Crayon.Cli;

/// <summary>
/// The two outputs of a command that produces a report (the benchmarks, `train eval`, `ask`): `--json` writes
/// the report as one JSON document to stdout like every other command's `--json`, with the human-readable
/// tables moved to stderr; `--out FILE` writes it to a file (and any files the report keeps beside it), which
/// is how the benchmarks record their results. Either, both or neither may be given.
/// </summary>
internal sealed class ReportOutput
{
    private readonly Option<bool> _json = JsonOutput.CreateOption();
    private readonly Option<string?> _out;

    public ReportOutput(string outDescription, bool outRequired = false)
    {
        _out = new Option<string?>("--out", "-o") { Description = outDescription, Required = outRequired };
    }

    public void AddTo(Command command)
    {
        command.Add(_json);
        command.Add(_out);
    }

    public bool Json(ParseResult result) => result.GetValue(_json);

    public string? OutPath(ParseResult result) => result.GetValue(_out);

    /// <summary>
    /// Runs a command's work with stdout reserved for the JSON document when `--json` is given: whatever the
    /// work prints (tables, "wrote FILE") goes to stderr, then the document it returns goes alone to stdout.
    /// </summary>
    public static int Emit(bool json, Func<JsonNode?> work) => EmitAsync(json, () => Task.FromResult(work())).GetAwaiter().GetResult();

    /// <inheritdoc cref="Emit"/>
    public static async Task<int> EmitAsync(bool json, Func<Task<JsonNode?>> work)
    {
        if (!json)
        {
            await work();
            return 0;
        }
        var stdout = Console.Out;
        Console.SetOut(Console.Error);
        JsonNode? document;
        try { document = await work(); }
        finally { Console.SetOut(stdout); }
        JsonOutput.Write(document ?? throw new InvalidOperationException("the command produced no JSON report"));
        return 0;
    }

    /// <summary>A report written by a writer that takes a stream, as one JSON node.</summary>
    public static JsonNode Parse(Action<Stream> write)
    {
        using var buffer = new MemoryStream();
        write(buffer);
        buffer.Position = 0;
        return JsonNode.Parse(buffer) ?? throw new InvalidOperationException("the report wrote no JSON");
    }

    /// <summary>
    /// A report that a writer only writes to a path (with files beside it): with `--out` that path; else, for
    /// `--json` alone, a temporary folder that is removed after the document has been read back.
    /// </summary>
    public static JsonNode? WriteAndRead(string? outPath, bool json, string fileName, Action<string> write)
    {
        if (outPath is not null)
        {
            write(outPath);
            return json ? JsonNode.Parse(File.ReadAllText(outPath)) : null;
        }
        if (!json) return null;
        var folder = Directory.CreateTempSubdirectory("crayon-report-");
        try
        {
            var path = Path.Combine(folder.FullName, fileName);
            write(path);
            return JsonNode.Parse(File.ReadAllText(path));
        }
        finally { folder.Delete(recursive: true); }
    }
}
