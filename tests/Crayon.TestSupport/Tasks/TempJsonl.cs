using System.Text;

namespace Crayon.Tests.Tasks;

/// <summary>A scratch folder for JSONL files, removed when disposed.</summary>
internal sealed class TempJsonl : IDisposable
{
    public TempJsonl() => Directory.CreateDirectory(Folder);

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "crayon-tasks-" + Guid.NewGuid().ToString("N"));

    public string Write(string name, string content) => WriteBytes(name, Encoding.UTF8.GetBytes(content));

    public string WriteBytes(string name, byte[] content)
    {
        var path = Path.Combine(Folder, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    public void Dispose()
    {
        if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true);
    }

    /// <summary>A valid item line.</summary>
    public static string Line(string id, string task = "demo", int answer = 0, string? context = null) =>
        context is null
            ? $$"""{"id": "{{id}}", "task": "{{task}}", "question": "Q {{id}}?", "choices": ["a", "b", "c"], "answer": {{answer}}}"""
            : $$"""{"id": "{{id}}", "task": "{{task}}", "question": "Q {{id}}?", "choices": ["a", "b", "c"], "answer": {{answer}}, "context": "{{context}}"}""";
}
