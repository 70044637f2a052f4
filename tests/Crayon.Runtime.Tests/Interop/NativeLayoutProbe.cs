using System.Diagnostics;
using System.Reflection;
using System.Text;
using Crayon.Interop.Llama;
using NUnit.Framework;

namespace Crayon.Tests.Interop;

/// <summary>
/// Compiles and runs a C program against the pinned release's llama.h (.deps/llama/include, fetched by
/// scripts/fetch-llama-headers.sh) that prints sizeof/offsetof of every field our mirrors declare and
/// the enum values we hard-code. Returns "struct.field" / "sizeof struct" / "const NAME" -> value.
/// </summary>
internal static class NativeLayoutProbe
{
    public static IEnumerable<Type> MirroredStructs() =>
        typeof(NativeStructAttribute).Assembly.GetTypes().Where(t => t.GetCustomAttribute<NativeStructAttribute>() is not null);

    public static IReadOnlyDictionary<string, long> Run(IEnumerable<string> constants)
    {
        var include = Path.Combine(RepositoryRoot.Find() ?? throw new InvalidOperationException("checkout not found"), ".deps", "llama", "include");
        if (!File.Exists(Path.Combine(include, "llama.h")))
        {
            var message = $"llama.h not found in {include}; run ./scripts/setup.sh (scripts/fetch-llama-headers.sh)";
            if (Support.TestData.InCi) Assert.Fail(message);
            Assert.Ignore(message);
        }
        var source = new StringBuilder("#include <stdio.h>\n#include <stddef.h>\n#include \"llama.h\"\nint main(void) {\n");
        foreach (var type in MirroredStructs())
        {
            var c = type.GetCustomAttribute<NativeStructAttribute>()!.CName;
            source.Append($"  printf(\"sizeof {c} %zu\\n\", sizeof(struct {c}));\n");
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
                source.Append($"  printf(\"{c}.{field.Name} %zu\\n\", offsetof(struct {c}, {Designator(field.Name)}));\n");
        }
        foreach (var constant in constants) source.Append($"  printf(\"const {constant} %lld\\n\", (long long)({constant}));\n");
        source.Append("  return 0;\n}\n");

        var work = Directory.CreateTempSubdirectory("crayon-layout-");
        try
        {
            var c = Path.Combine(work.FullName, "probe.c");
            var exe = Path.Combine(work.FullName, "probe");
            File.WriteAllText(c, source.ToString());
            Execute("gcc", $"-std=c11 -I \"{include}\" -o \"{exe}\" \"{c}\"");
            var output = Execute(exe, "");
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split(' '))
                .ToDictionary(p => p.Length == 3 ? $"{p[0]} {p[1]}" : p[0], p => long.Parse(p[^1]));
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>A C# field "adamw__alpha" mirrors the nested C member adamw.alpha.</summary>
    private static string Designator(string fieldName) => fieldName.Replace("__", ".", StringComparison.Ordinal);

    private static string Execute(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) Assert.Fail($"{file} failed ({process.ExitCode}): {error}");
        return output;
    }
}
